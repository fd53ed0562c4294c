import FinkExport

/// Number and text rendering shared by the text sinks.
public enum TextFormatting {
    /// Appends the shortest decimal that reads back as exactly `value` (Swift's
    /// `description`), e.g. `18.291412`, `1e-05`, `2461186.936169`.
    @inline(__always)
    public static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        var text = value.description
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    /// Appends an integer in decimal.
    @inline(__always)
    public static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var text = value.description
        text.withUTF8 { out.append(contentsOf: $0) }
    }
}
