/// The value type of a column, in Fink's own vocabulary.
///
/// This list follows Fink and may grow. Sinks choose their physical types from
/// ``storage`` and ``bitWidth`` instead of switching over it, so a new Fink type needs a
/// storage kind, not a change in every sink.
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

    /// The width the source stores numbers in; nil for booleans and text.
    public var bitWidth: Int? {
        switch self {
        case .float, .int: return 32
        case .double, .long: return 64
        case .bool, .string, .array: return nil
        }
    }
}

/// The in-memory representation of a column's values: the four physical kinds of a
/// ``RecordBatch``, one ``ColumnValues`` case each.
///
/// Frozen by design: sinks switch over it exhaustively, and a fifth kind would be a new
/// physical layout that every sink must decide how to store, so adding one is meant to
/// break them at compile time rather than fall into a default.
public enum StorageKind: Sendable, Equatable {
    /// `Int64` values.
    case integer
    /// `Double` values; NaN is also missing.
    case real
    /// `Bool` values.
    case boolean
    /// UTF-8 bytes.
    case text
}
