/// XML 1.0 text: escaping, and the characters XML cannot carry at all.
public enum XMLText {
    /// Appends UTF-8 `bytes` escaped for element content (`inAttribute` also escapes quotes).
    /// Characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) become U+FFFD; the
    /// return value says how many were replaced.
    @discardableResult
    public static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, inAttribute: Bool, to out: inout [UInt8]) -> Int {
        var replaced = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: ampersand)
            case UInt8(ascii: "<"): out.append(contentsOf: lessThan)
            case UInt8(ascii: ">"): out.append(contentsOf: greaterThan)
            case UInt8(ascii: "\"") where inAttribute: out.append(contentsOf: quote)
            case 0x09, 0x0A, 0x0D:
                // In attributes, whitespace characters are normalised away unless escaped; in
                // content, a literal CR is read back as LF (XML's line-end normalisation).
                if inAttribute || byte == 0x0D { out.append(contentsOf: Array("&#\(byte);".utf8)) } else { out.append(byte) }
            case 0x00 ..< 0x20:
                out.append(contentsOf: replacement)
                replaced += 1
            case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBF && (bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF):
                out.append(contentsOf: replacement)
                replaced += 1
                index += 2
            default:
                out.append(byte)
            }
            index += 1
        }
        return replaced
    }

    /// Whether XML 1.0 cannot carry `scalar` at all, not even as a character reference.
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || scalar.value == 0xFFFE || scalar.value == 0xFFFF
    }

    /// `text` escaped for an attribute value.
    public static func attribute(_ text: String) -> String {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { _ = appendEscaped($0, inAttribute: true, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` escaped for element content.
    public static func content(_ text: String) -> String {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { _ = appendEscaped($0, inAttribute: false, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A valid XML NCName made from `name`: characters outside `[A-Za-z0-9_.-]` become `_`,
    /// and a leading character that cannot start a name gets a `_` before it.
    public static func ncName(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "A" ... "Z", "a" ... "z", "0" ... "9", "_", ".", "-": out.unicodeScalars.append(scalar)
            default: out.append("_")
            }
        }
        if let first = out.unicodeScalars.first, !(("A" ... "Z").contains(first) || ("a" ... "z").contains(first) || first == "_") {
            out = "_" + out
        }
        return out.isEmpty ? "_" : out
    }

    private static let ampersand = Array("&amp;".utf8)
    private static let lessThan = Array("&lt;".utf8)
    private static let greaterThan = Array("&gt;".utf8)
    private static let quote = Array("&quot;".utf8)
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
}
