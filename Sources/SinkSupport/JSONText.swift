/// JSON string escaping (RFC 8259): quotes, backslashes and control characters escaped,
/// everything else kept as UTF-8.
public enum JSONText {
    private static let hex = Array("0123456789abcdef".utf8)

    /// Whether a string holds a quote, a backslash or a control character.
    @inline(__always)
    static func needsEscapes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            return true
        }
        return false
    }

    /// Appends `bytes` (valid UTF-8) as a quoted JSON string.
    @inline(__always)
    public static func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if !needsEscapes(bytes) {
            out.append(contentsOf: bytes)
        } else {
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte)
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
                case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                case 0 ..< 0x20:
                    out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                            hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                default: out.append(byte)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// ``appendString(_:to:)-(_,inout [UInt8])`` into cell bytes.
    @inline(__always)
    public static func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to out: CellBytes) {
        guard !needsEscapes(bytes) else {
            var escaped: [UInt8] = []
            appendString(bytes, to: &escaped)
            escaped.withUnsafeBufferPointer { out.append($0) }
            return
        }
        out.append(UInt8(ascii: "\""))
        out.append(bytes)
        out.append(UInt8(ascii: "\""))
    }
}
