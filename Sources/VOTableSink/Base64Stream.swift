import SinkSupport

/// Encodes bytes as base64 while they are produced, in whole 3-byte groups, with a line
/// break every 76 characters; only the final group is padded.
struct Base64Stream {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private var pending: [UInt8] = []
    private var column = 0

    /// Appends raw bytes.
    mutating func append(_ bytes: [UInt8]) {
        pending.append(contentsOf: bytes)
    }

    /// Encodes every whole group pending (all of them, padded, when `final`) into `output`.
    mutating func flush(to output: ByteOutput, final: Bool) throws {
        let whole = pending.count / 3 * 3
        let count = final ? pending.count : whole
        guard count > 0 else { return }
        var encoded: [UInt8] = []
        encoded.reserveCapacity(count / 3 * 4 + count / 57 + 4)
        var index = 0
        while index < count {
            let remaining = count - index
            let b0 = pending[index]
            let b1 = remaining > 1 ? pending[index + 1] : 0
            let b2 = remaining > 2 ? pending[index + 2] : 0
            encoded.append(Self.alphabet[Int(b0 >> 2)])
            encoded.append(Self.alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            encoded.append(remaining > 1 ? Self.alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            encoded.append(remaining > 2 ? Self.alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            column += 4
            if column >= 76 {
                encoded.append(0x0A)
                column = 0
            }
            index += 3
        }
        pending.removeFirst(count)
        try encoded.withUnsafeBufferPointer { try output.write($0) }
    }
}
