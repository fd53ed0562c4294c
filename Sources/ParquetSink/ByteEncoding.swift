/// The byte-level encodings Parquet uses in several places: little-endian integers (PLAIN
/// values, length prefixes, statistics, the footer length) and unsigned LEB128 varints (Thrift
/// compact protocol, RLE/bit-packed run headers).
extension Array where Element == UInt8 {
    /// Appends `value` in little-endian byte order.
    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Appends what `write` stores through a pointer to `capacity` bytes (it returns how many it
    /// stored, from the pointer on): a column's PLAIN values in one growth instead of an
    /// `append(contentsOf:)` per value, which cost a fifth of the Parquet write step.
    @inline(__always)
    mutating func appendInPlace(capacity: Int, _ write: (UnsafeMutableRawPointer) -> Int) {
        let start = count
        append(contentsOf: repeatElement(0, count: capacity))
        let stored = withUnsafeMutableBytes { write($0.baseAddress! + start) }
        precondition(stored <= capacity)
        removeLast(capacity - stored)
    }

    /// `value` in little-endian byte order.
    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        Swift.withUnsafeBytes(of: value.littleEndian, Array.init)
    }

    /// Appends `value` as unsigned LEB128: seven bits at a time, low group first.
    mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        append(UInt8(value))
    }

    /// Appends a PLAIN BYTE_ARRAY value: a 4-byte little-endian length, then the bytes.
    @inline(__always)
    mutating func appendByteArray(_ value: UnsafeBufferPointer<UInt8>) {
        appendLittleEndian(UInt32(value.count))
        append(contentsOf: value)
    }
}
