#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strings of the JSON reader: finding a string's end eight bytes at a time, and decoding
/// escapes only when a string has them.
extension JSONRecordReader {
    @inline(__always)
    static func sameBytes(_ cached: [UInt8], _ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        guard cached.count == raw.count else { return false }
        guard !raw.isEmpty else { return true }
        return cached.withUnsafeBufferPointer { memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0 }
    }

    // MARK: Strings

    /// The offset of the closing quote of a string whose content starts at `start`.
    func endOfString(from start: Int) throws -> Int {
        try scanString(from: start).end
    }

    /// The offset of the closing quote of a string whose content starts at `start`, and
    /// whether the content is plain: ASCII without escapes, usable as it is.
    @inline(__always)
    func scanString(from start: Int) throws -> (end: Int, plain: Bool) {
        var i = start
        var seen: UInt64 = 0
        // Eight bytes at a time while none of them is a quote, a backslash or a control
        // character (feature strings run to hundreds of plain bytes); the high bits of the
        // words passed tell whether any byte was beyond ASCII.
        if let base = input.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= input.count {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let special = Self.specialBytes(word)
                if special != 0 {
                    // Straight to the first special byte (a quote, mostly); the bytes before it
                    // count for the ASCII test.
                    let before = special.trailingZeroBitCount >> 3
                    seen |= word & ((1 &<< UInt64(8 &* before)) &- 1)
                    i += before
                    break
                }
                seen |= word
                i += 8
            }
        }
        var plain = seen & Self.highBits == 0
        while i < input.count {
            let byte = input[i]
            if byte == UInt8(ascii: "\"") { return (i, plain) }
            if byte == UInt8(ascii: "\\") {
                plain = false
                i += 2
                continue
            }
            if byte < 0x20 {
                throw ReadError(offset: i, reason: "a control character (0x\(String(byte, radix: 16))) inside a string must be escaped")
            }
            if byte >= 0x80 { plain = false }
            i += 1
        }
        throw ReadError(offset: input.count, reason: "unexpected end of input inside a string: the body looks cut off")
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The high bit set in the bytes of `word` that may be a quote, a backslash or below 0x20 (the
    /// classic has-zero-byte and has-less-than tests; a high byte never matches). A borrow can
    /// mark a byte above a true match, never below: the lowest mark is exactly the first such byte.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroInQuote = (quote &- ones) & ~quote
        let zeroInBackslash = (backslash &- ones) & ~backslash
        let below0x20 = (word &- ones &* 0x20) & ~word
        return (zeroInQuote | zeroInBackslash | below0x20) & highBits
    }

    /// Calls `body` with the decoded, validated UTF-8 of a raw string body; a `plain` one
    /// (see ``scanString(from:)``) is passed as it is.
    @inline(__always)
    mutating func withDecodedString<R>(_ raw: UnsafeBufferPointer<UInt8>, startOffset: Int, plain: Bool = false,
                                                _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
        if plain { return try body(raw) }
        var hasEscape = false
        var hasNonASCII = false
        for byte in raw {
            if byte == UInt8(ascii: "\\") { hasEscape = true; break }
            if byte >= 0x80 { hasNonASCII = true }
        }
        if !hasEscape {
            if hasNonASCII && !isValidUTF8(raw) {
                throw ReadError(offset: startOffset, reason: "a string holds invalid UTF-8")
            }
            return try body(raw)
        }
        scratch.removeAll(keepingCapacity: true)
        try decodeEscapes(raw, startOffset: startOffset, into: &scratch)
        let decoded = scratch
        return try decoded.withUnsafeBufferPointer { buffer in
            if !isValidUTF8(buffer) {
                throw ReadError(offset: startOffset, reason: "a string holds invalid UTF-8")
            }
            return try body(buffer)
        }
    }

    func decodeEscapes(_ raw: UnsafeBufferPointer<UInt8>, startOffset: Int, into out: inout [UInt8]) throws {
        var i = 0
        while i < raw.count {
            guard raw[i] == UInt8(ascii: "\\") else {
                // The plain run up to the next escape, in one copy.
                var runEnd = i + 1
                while runEnd < raw.count && raw[runEnd] != UInt8(ascii: "\\") { runEnd += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: raw[i ..< runEnd]))
                i = runEnd
                continue
            }
            guard i + 1 < raw.count else {
                throw ReadError(offset: startOffset + i, reason: "a string ends inside an escape")
            }
            let escaped = raw[i + 1]
            i += 2
            switch escaped {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(raw, at: i, startOffset: startOffset)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") else {
                        throw ReadError(offset: startOffset + i, reason: "a \\u escape holds a lone high surrogate")
                    }
                    let low = try hex4(raw, at: i + 2, startOffset: startOffset)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw ReadError(offset: startOffset + i, reason: "a \\u escape holds a high surrogate without its low half")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw ReadError(offset: startOffset + i, reason: "a \\u escape holds a lone low surrogate")
                }
                appendUTF8(scalar, to: &out)
            default:
                throw ReadError(offset: startOffset + i - 1, reason: "unknown escape '\\\(Character(Unicode.Scalar(escaped)))' in a string")
            }
        }
    }

    func hex4(_ raw: UnsafeBufferPointer<UInt8>, at index: Int, startOffset: Int) throws -> UInt32 {
        guard index + 4 <= raw.count else {
            throw ReadError(offset: startOffset + index, reason: "a \\u escape needs four hex digits")
        }
        var value: UInt32 = 0
        for k in 0 ..< 4 {
            let byte = raw[index + k]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw ReadError(offset: startOffset + index + k, reason: "a \\u escape needs four hex digits")
            }
            value = value << 4 | digit
        }
        return value
    }
}
