/// One value as a reader found it, before any typing. The buffers are only valid during the
/// ``RecordHandler/value(_:slot:)`` call that receives them.
package enum Cell {
    /// JSON `null`, or an empty CSV field.
    case null
    /// JSON `true` / `false`.
    case bool(Bool)
    /// A number literal (JSON grammar, or `NaN` / `Infinity` / `-Infinity` as Python writes them).
    case number(NumberLiteral)
    /// A JSON string, escapes already decoded; valid UTF-8.
    case string(UnsafeBufferPointer<UInt8>)
    /// Untyped text, such as a CSV field: a number, a boolean or a string, by its column.
    case text(UnsafeBufferPointer<UInt8>)
    /// A nested JSON array or object, as its raw JSON text.
    case composite(UnsafeBufferPointer<UInt8>)
}

/// Receives the records of a table as a reader walks them.
///
/// Readers resolve each key once to a slot and then pass slots, so the per-value cost is
/// an array index, not a dictionary lookup.
package protocol RecordHandler {
    /// A new record starts.
    mutating func beginRecord() throws
    /// The slot for a key (UTF-8, escapes decoded). Called once per key and position change.
    mutating func slot(forKey key: UnsafeBufferPointer<UInt8>) throws -> Int
    /// The value of the key resolved to `slot` in the current record.
    mutating func value(_ cell: Cell, slot: Int) throws
    /// The current record is complete.
    mutating func endRecord() throws
}

/// A reader could not make sense of its input.
public struct ReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The byte offset where the problem was found.
    public let offset: Int
    /// What is wrong, in words.
    public let reason: String

    /// Creates an error.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// One line for the user.
    public var description: String { "\(reason) (at byte \(offset))" }
}
