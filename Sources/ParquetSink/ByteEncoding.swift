/// The byte-level encodings Parquet uses in several places: little-endian integers (PLAIN
/// values, length prefixes, statistics, the footer length) and unsigned LEB128 varints (Thrift
/// compact protocol, RLE/bit-packed run headers).
extension Array where Element == UInt8 {
    /// Appends `value` in little-endian byte order.
    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
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
