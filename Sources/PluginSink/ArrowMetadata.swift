/// Arrow's binary encoding of key/value metadata (C Data Interface): an int32 count of pairs,
/// then per pair an int32 key length, the key's bytes, an int32 value length and the value's
/// bytes, in native byte order.
enum ArrowMetadata {
    /// The encoded bytes of `pairs`, or nil when there are none (the interface's "no metadata").
    static func encode(_ pairs: [(key: String, value: String)]) -> [UInt8]? {
        guard !pairs.isEmpty else { return nil }
        var bytes: [UInt8] = []
        func append(_ value: Int32) {
            withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
        }
        append(Int32(pairs.count))
        for (key, value) in pairs {
            append(Int32(key.utf8.count))
            bytes.append(contentsOf: key.utf8)
            append(Int32(value.utf8.count))
            bytes.append(contentsOf: value.utf8)
        }
        return bytes
    }
}
