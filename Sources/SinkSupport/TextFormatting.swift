import FinkExport

/// Number and text rendering shared by the text sinks.
public enum TextFormatting {
    /// Appends the shortest decimal that reads back as exactly `value` (Swift's
    /// `description`), e.g. `18.291412`, `1e-05`, `2461186.936169`.
    @inline(__always)
    public static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else {
            // `write(to:)` spells a NaN's payload out (`nan(0x1)`); `description` does not.
            var text = value.description
            text.withUTF8 { out.append(contentsOf: $0) }
            return
        }
        // The bytes move into the stream and back (a swap of buffers, no copy).
        var stream = ASCIIStream()
        swap(&stream.bytes, &out)
        value.write(to: &stream)
        swap(&stream.bytes, &out)
    }

    /// Appends an integer in decimal.
    @inline(__always)
    public static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        // Digits written from the end of a 20-byte scratch (19 digits and a sign at most),
        // without the String that `description` makes for ids of 16 digits and more.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { scratch in
            var magnitude = value.magnitude
            var start = 20
            repeat {
                start -= 1
                scratch[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                scratch[start] = UInt8(ascii: "-")
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[start ..< 20]))
        }
    }
}

/// A text stream into bytes. `Double.write(to:)` hands its digits to `_writeASCII` from a
/// buffer on the stack, where `description` makes a `String` (on the heap, for the 16 and 17
/// digits of most values) to be copied once more. Should a standard library not call
/// `_writeASCII`, `write(_:)` receives the same text.
struct ASCIIStream: TextOutputStream {
    var bytes: [UInt8] = []

    mutating func write(_ string: String) {
        bytes.append(contentsOf: string.utf8)
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }
}
