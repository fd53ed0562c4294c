import FinkExport

/// Number and text rendering shared by the text sinks.
public enum TextFormatting {
    /// Appends the shortest decimal that reads back as exactly `value` (Swift's
    /// `description`), e.g. `18.291412`, `1e-05`, `2461186.936169`.
    @inline(__always)
    public static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        guard let (significand, exponent) = ShortestDecimal.decimal(of: value) else {
            appendDoubleByDescription(value, to: &out)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
            let text = layOut(significand: significand, exponent: exponent, negative: value.sign == .minus,
                              large: value.magnitude > 0x1p53, into: buffer.baseAddress!)
            out.append(contentsOf: text)
        }
    }

    /// ``appendDouble(_:to:)-(_,inout [UInt8])`` into cell bytes: the text is laid out in the
    /// buffer's own tail and moved to its place with four word copies.
    @inline(__always)
    public static func appendDouble(_ value: Double, to out: CellBytes) {
        guard let (significand, exponent) = ShortestDecimal.decimal(of: value) else {
            var text: [UInt8] = []
            appendDoubleByDescription(value, to: &text)
            text.withUnsafeBufferPointer { out.append($0) }
            return
        }
        // layOut writes within 64 bytes, its text (at most 25) from byte 16 on; 32 bytes
        // are moved from the text's start, so 96 are reserved, and read back: zeroed memory.
        assert(out.zeroed, "the double formatter reads back past its text: a zeroed CellBytes")
        let tail = out.tail(reserving: 96)
        let text = layOut(significand: significand, exponent: exponent, negative: value.sign == .minus,
                          large: value.magnitude > 0x1p53, into: tail)
        let source = UnsafeRawPointer(text.baseAddress!)
        let words = (source.loadUnaligned(as: UInt64.self), source.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                     source.loadUnaligned(fromByteOffset: 16, as: UInt64.self), source.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        let target = UnsafeMutableRawPointer(tail)
        target.storeBytes(of: words.0, as: UInt64.self)
        target.storeBytes(of: words.1, toByteOffset: 8, as: UInt64.self)
        target.storeBytes(of: words.2, toByteOffset: 16, as: UInt64.self)
        target.storeBytes(of: words.3, toByteOffset: 24, as: UInt64.self)
        out.didWrite(text.count)
    }

    /// ``appendInteger(_:to:)-(_,inout [UInt8])`` into cell bytes, written in place.
    @inline(__always)
    public static func appendInteger(_ value: Int64, to out: CellBytes) {
        let tail = out.tail(reserving: 48)
        if value >= 0 && value < 10 {
            tail.pointee = UInt8(ascii: "0") + UInt8(value)
            out.didWrite(1)
            return
        }
        // Laid out in the tail, then moved down to its start.
        let first = layOutInteger(value, into: tail)
        let count = 44 - first
        (UnsafeMutableRawPointer(tail)).copyMemory(from: tail + first, byteCount: count)
        out.didWrite(count)
    }

    /// Writes `value` (not 0 to 9) in decimal so that it ends at byte 44 of `buffer` (48
    /// bytes: writeDigits may write the 24 before its digits); returns where the text starts.
    @inline(__always)
    private static func layOutInteger(_ value: Int64, into buffer: UnsafeMutablePointer<UInt8>) -> Int {
        var first = writeDigits(value.magnitude, endingAt: 44, in: buffer)
        if value < 0 {
            first -= 1
            buffer[first] = UInt8(ascii: "-")
        }
        return first
    }

    /// Writes `significand × 10^exponent` as `description` does: plain from 10^-4 up to 2^53
    /// (`-0.0012`, `18.2`, `100.0`), the exponent form outside (`1e-05`, `1.5e+300`). The digits
    /// are written once, where they end up; `buffer` holds 64 bytes.
    @inline(__always)
    private static func layOut(significand: UInt64, exponent: Int, negative: Bool, large: Bool,
                               into buffer: UnsafeMutablePointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        // Trailing zeros off first (the method gives 16 or 17 digits), 16 + 8 + 4 + 2 + 1 of them
        // at most, so fewer digits are written.
        var rest = significand
        var exponent = exponent
        // Each test multiplies by the inverse of 5^k modulo 2^64 and rotates right by k: the
        // result is rest / 10^k when 10^k divides rest, and above (2^64 - 1) / 10^k otherwise
        // (the low bits that 2^k does not divide land on top). A multiply, not a division, a step.
        @inline(__always)
        func strip(_ k: UInt64, inverse: UInt64, bound: UInt64) {
            let product = rest &* inverse
            let rotated = product >> k | product << (64 &- k)
            if rotated <= bound {
                rest = rotated
                exponent &+= Int(k)
            }
        }
        strip(16, inverse: 0xE4A4_D141_7CD9_A041, bound: 0x734)
        strip(8, inverse: 0xC767_074B_22E9_0E21, bound: 0x2A_F31D_C461)
        strip(4, inverse: 0xD288_CE70_3AFB_7E91, bound: 0x6_8DB8_BAC7_10CB)
        strip(2, inverse: 0x8F5C_28F5_C28F_5C29, bound: 0x28F_5C28_F5C2_8F5C)
        strip(1, inverse: 0xCCCC_CCCC_CCCC_CCCD, bound: 0x1999_9999_9999_9999)
        // The digits end at byte 40: room before them for a sign and "0.000", after them for
        // an exponent or "000.0".
        var end = 40
        var first = writeDigits(rest, endingAt: end, in: buffer)
        let digits = end &- first
        // value = 0.DIGITS × 10^point
        let point = exponent &+ digits
        if point < -3 || large {
            if digits > 1 {
                buffer[first &- 1] = buffer[first]
                buffer[first] = UInt8(ascii: ".")
                first &-= 1
            }
            var power = point &- 1
            buffer[end] = UInt8(ascii: "e")
            buffer[end &+ 1] = power < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
            end &+= 2
            power = abs(power)
            if power >= 100 {
                buffer[end] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: power / 100)
                end &+= 1
                power %= 100
            }
            buffer[end] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: power / 10)
            buffer[end &+ 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: power % 10)
            end &+= 2
        } else if point <= 0 {
            for _ in 0 ..< -point {
                first &-= 1
                buffer[first] = UInt8(ascii: "0")
            }
            buffer[first &- 1] = UInt8(ascii: ".")
            buffer[first &- 2] = UInt8(ascii: "0")
            first &-= 2
        } else if point < digits {
            // The integer part one byte to the left, the point in the gap.
            for k in first ..< first &+ point { buffer[k &- 1] = buffer[k] }
            buffer[first &+ point &- 1] = UInt8(ascii: ".")
            first &-= 1
        } else {
            for _ in 0 ..< point &- digits {
                buffer[end] = UInt8(ascii: "0")
                end &+= 1
            }
            buffer[end] = UInt8(ascii: ".")
            buffer[end &+ 1] = UInt8(ascii: "0")
            end &+= 2
        }
        if negative {
            first &-= 1
            buffer[first] = UInt8(ascii: "-")
        }
        return UnsafeBufferPointer(start: buffer + first, count: end &- first)
    }

    /// Writes the decimal digits of `number` (nonzero, below 10^24) so that they end before
    /// `end`, eight at a time; returns where they start. The bytes from `end - 24` may be
    /// overwritten.
    @inline(__always)
    private static func writeDigits(_ number: UInt64, endingAt end: Int, in buffer: UnsafeMutablePointer<UInt8>) -> Int {
        let raw = UnsafeMutableRawPointer(buffer)
        var leading: UInt64
        var start: Int
        if number < 100_000_000 {
            leading = eightDigits(number)
            start = end &- 8
        } else if number < 10_000_000_000_000_000 {
            raw.storeBytes(of: eightDigits(number % 100_000_000).littleEndian, toByteOffset: end &- 8, as: UInt64.self)
            leading = eightDigits(number / 100_000_000)
            start = end &- 16
        } else {
            raw.storeBytes(of: eightDigits(number % 100_000_000).littleEndian, toByteOffset: end &- 8, as: UInt64.self)
            raw.storeBytes(of: eightDigits(number / 100_000_000 % 100_000_000).littleEndian, toByteOffset: end &- 16, as: UInt64.self)
            leading = eightDigits(number / 10_000_000_000_000_000)
            start = end &- 24
        }
        raw.storeBytes(of: leading.littleEndian, toByteOffset: start, as: UInt64.self)
        // The leading word's zeros before its first digit are not written out.
        leading ^= 0x3030_3030_3030_3030
        return start &+ leading.trailingZeroBitCount >> 3
    }

    /// The eight ASCII digits of `number` (below 10^8, leading zeros kept), the first in the
    /// lowest byte: split into two halves of four digits, each into two pairs, each pair into
    /// two digits, every lane at once (the divisions by 100 and 10 as multiplications, exact
    /// below 10,000 and 100).
    @inline(__always)
    static func eightDigits(_ number: UInt64) -> UInt64 {
        let halves = number / 10_000 | (number % 10_000) << 32
        let hundreds = ((halves &* 10_486) >> 20) & 0x0000_007F_0000_007F
        let pairs = hundreds | (halves &- hundreds &* 100) << 16
        let tens = ((pairs &* 103) >> 10) & 0x000F_000F_000F_000F
        let digits = tens | (pairs &- tens &* 10) << 8
        return digits | 0x3030_3030_3030_3030
    }

    /// What ``ShortestDecimal`` leaves to the standard library: zero, non-finite values and the
    /// smallest subnormals.
    private static func appendDoubleByDescription(_ value: Double, to out: inout [UInt8]) {
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
        // Without the String that `description` makes for ids of 16 digits and more.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { scratch in
            let first = layOutInteger(value, into: scratch.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[first ..< 44]))
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
