/// One value as an independent reader found it in a file.
///
/// Reals compare by bit pattern, so `-0.0` differs from `0.0` and a float widened to the
/// wrong double is caught; readers turn NaN into ``null`` (NaN is missing in a batch).
package enum ReadValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case bool(Bool)
    case text(String)

    /// A real, or null when it is NaN.
    package static func realOrNull(_ value: Double) -> ReadValue {
        value.isNaN ? .null : .real(value)
    }

    package static func == (lhs: ReadValue, rhs: ReadValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.integer(let a), .integer(let b)): return a == b
        case (.real(let a), .real(let b)): return a.bitPattern == b.bitPattern
        case (.bool(let a), .bool(let b)): return a == b
        // Compared as bytes: String's == would equate canonically equivalent forms (é, e + ́).
        case (.text(let a), .text(let b)): return Array(a.utf8) == Array(b.utf8)
        default: return false
        }
    }

    package var description: String {
        switch self {
        case .null: return "null"
        case .integer(let value): return "integer(\(value))"
        case .real(let value): return "real(\(value), bits 0x\(String(value.bitPattern, radix: 16)))"
        case .bool(let value): return "bool(\(value))"
        case .text(let value): return "text(\(value.debugDescription))"
        }
    }
}

/// A table as an independent reader found it: its name, its column names in file order, and
/// its rows (each as long as ``columns``).
package struct ReadTable: Sendable, Equatable {
    package var name: String
    package var columns: [String]
    package var rows: [[ReadValue]]

    /// Creates a read table.
    package init(name: String, columns: [String], rows: [[ReadValue]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }
}
