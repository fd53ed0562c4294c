/// The value type of a column, in Fink's own vocabulary.
public enum ColumnType: String, Sendable, CaseIterable, Codable {
    /// 64-bit floating point.
    case double
    /// 32-bit floating point in Fink's storage; carried as the exact `Double` the API sent.
    case float
    /// 32-bit signed integer.
    case int
    /// 64-bit signed integer; ids such as `i:candid` exceed 2^53 and stay exact.
    case long
    /// `true` / `false`.
    case bool
    /// UTF-8 text.
    case string
    /// A nested JSON array (cutouts); kept as its JSON text.
    case array

    /// How values of this type are held in a ``RecordBatch``.
    public var storage: StorageKind {
        switch self {
        case .double, .float: return .real
        case .int, .long: return .integer
        case .bool: return .boolean
        case .string, .array: return .text
        }
    }
}

/// The in-memory representation of a column's values.
public enum StorageKind: Sendable {
    /// `Int64` values.
    case integer
    /// `Double` values; NaN is also missing.
    case real
    /// `Bool` values.
    case boolean
    /// UTF-8 bytes.
    case text
}
