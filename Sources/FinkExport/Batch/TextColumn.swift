/// UTF-8 strings packed end to end, Arrow style: one byte buffer and an offset per row.
///
/// Packing avoids a heap `String` per cell on the hot path; sinks copy bytes straight out.
public struct TextColumn: Sendable, Equatable {
    /// All strings' bytes, concatenated.
    public private(set) var bytes: [UInt8] = []
    /// `offsets[i] ..< offsets[i + 1]` are row `i`'s bytes.
    public private(set) var offsets: [Int] = [0]

    /// Creates an empty column.
    public init() {}

    /// Creates a column from strings (tests and small tables).
    public init(_ strings: [String]) {
        for string in strings { append(string) }
    }

    /// The number of rows.
    public var count: Int { offsets.count - 1 }

    /// Appends one string's UTF-8 bytes.
    public mutating func append(_ value: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    /// Appends one string.
    public mutating func append(_ value: String) {
        bytes.append(contentsOf: value.utf8)
        offsets.append(bytes.count)
    }

    /// Appends an empty string (the placeholder under a null).
    public mutating func appendEmpty() {
        offsets.append(bytes.count)
    }

    /// Removes the last row.
    public mutating func removeLast() {
        offsets.removeLast()
        bytes.removeSubrange(offsets[offsets.count - 1]...)
    }

    /// The byte range of row `row` within ``bytes``.
    public func range(of row: Int) -> Range<Int> {
        offsets[row] ..< offsets[row + 1]
    }

    /// Row `row` as a `String`.
    public subscript(row: Int) -> String {
        String(decoding: bytes[range(of: row)], as: UTF8.self)
    }

    /// Calls `body` with row `row`'s bytes, without copying.
    public func withBytes<R>(of row: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let range = range(of: row)
        return try bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[range]))
        }
    }

    /// Removes all rows, keeping the capacity for the next batch.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
    }

    /// Reserves room for about `rows` more rows.
    public mutating func reserve(rows: Int, bytesPerRow: Int) {
        offsets.reserveCapacity(offsets.count + rows)
        bytes.reserveCapacity(bytes.count + rows * bytesPerRow)
    }
}
