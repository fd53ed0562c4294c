#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the API's JSON body, an array of flat records, straight from bytes.
///
/// Foundation's JSON is far too slow on Linux for this path, and it would turn 64-bit ids
/// into doubles; this reader hands each value's bytes to a ``RecordHandler`` without copying
/// (a string is copied only when it holds escapes) and leaves typing to the handler.
package struct JSONRecordReader {
    /// Deeper nesting than this inside one value is refused rather than followed.
    package static let maximumDepth = 512

    private enum Stage {
        case beforeArray
        case inArray
        case ended
    }

    private var input = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var position = 0
    private var stage = Stage.beforeArray
    private var scratch: [UInt8] = []
    // Records of one response share their keys in order; remembering them turns key
    // resolution into a byte comparison.
    private var cachedKeys: [[UInt8]] = []
    private var cachedSlots: [Int] = []

    /// Creates a reader positioned before the array.
    package init() {}

    /// Reads every record of `bytes` into `handler`.
    ///
    /// - Throws: ``ReadError`` for anything that is not a JSON array of objects, or the
    ///   handler's own errors.
    package static func read<Handler: RecordHandler>(_ bytes: UnsafeBufferPointer<UInt8>,
                                                     into handler: inout Handler) throws {
        var reader = JSONRecordReader()
        while try reader.read(bytes, into: &handler, records: .max) {}
    }

    /// Reads up to `records` more records of `bytes` into `handler`, so a caller can take
    /// what they made before reading on. `bytes` must be the same on every call.
    ///
    /// - Returns: whether records may remain (false once the array and the body have ended).
    /// - Throws: ``ReadError``, or the handler's own errors.
    package mutating func read<Handler: RecordHandler>(_ bytes: UnsafeBufferPointer<UInt8>, into handler: inout Handler,
                                                       records: Int) throws -> Bool {
        input = bytes
        if stage == .beforeArray { try openArray() }
        var count = 0
        while stage == .inArray && count < records {
            try readRecord(into: &handler)
            count += 1
            skipWhitespace()
            let next = try take()
            if next == UInt8(ascii: "]") {
                try closeArray()
            } else {
                guard next == UInt8(ascii: ",") else {
                    throw ReadError(offset: position - 1, reason: "expected ',' or ']' after a record, found \(describeByte(at: position - 1))")
                }
                skipWhitespace()
            }
        }
        return stage != .ended
    }

    private mutating func openArray() throws {
        if input.count >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF { position = 3 }
        skipWhitespace()
        guard position < input.count else { throw ReadError(offset: position, reason: "the body is empty, not a JSON array") }
        switch input[position] {
        case UInt8(ascii: "["): position += 1
        case UInt8(ascii: "{"): throw ReadError(offset: position, reason: "expected a JSON array of records, found a JSON object")
        case UInt8(ascii: "<"): throw ReadError(offset: position, reason: "expected a JSON array of records, found HTML or XML")
        default: throw ReadError(offset: position, reason: "expected a JSON array of records, found \(describeByte(at: position))")
        }
        skipWhitespace()
        stage = .inArray
        if try peek() == UInt8(ascii: "]") {
            position += 1
            try closeArray()
        }
    }

    private mutating func closeArray() throws {
        skipWhitespace()
        guard position == input.count else {
            throw ReadError(offset: position, reason: "unexpected data after the JSON array")
        }
        stage = .ended
    }

    private mutating func readRecord<Handler: RecordHandler>(into handler: inout Handler) throws {
        guard try take() == UInt8(ascii: "{") else {
            throw ReadError(offset: position - 1, reason: "expected a record (a JSON object), found \(describeByte(at: position - 1))")
        }
        try handler.beginRecord()
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            position += 1
            try handler.endRecord()
            return
        }
        var keyIndex = 0
        while true {
            guard try peek() == UInt8(ascii: "\"") else {
                throw ReadError(offset: position, reason: "expected a key string, found \(describeByte(at: position))")
            }
            let slot = try readKey(index: keyIndex, handler: &handler)
            keyIndex += 1
            skipWhitespace()
            guard try take() == UInt8(ascii: ":") else {
                throw ReadError(offset: position - 1, reason: "expected ':' after a key, found \(describeByte(at: position - 1))")
            }
            skipWhitespace()
            try readValue(slot: slot, handler: &handler)
            skipWhitespace()
            let next = try take()
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else {
                throw ReadError(offset: position - 1, reason: "expected ',' or '}' in a record, found \(describeByte(at: position - 1))")
            }
            skipWhitespace()
        }
        try handler.endRecord()
    }

    private mutating func readKey<Handler: RecordHandler>(index: Int, handler: inout Handler) throws -> Int {
        let start = position + 1
        // The same bytes as the previous record's key here, then a quote: the same key (the
        // cached bytes are a whole string body, so that quote is its end), found without a scan.
        if index < cachedKeys.count {
            let length = cachedKeys[index].count
            if start + length < input.count && input[start + length] == UInt8(ascii: "\"")
                && Self.sameBytes(cachedKeys[index], UnsafeBufferPointer(rebasing: input[start ..< start + length])) {
                position = start + length + 1
                return cachedSlots[index]
            }
        }
        let end = try endOfString(from: start)
        let raw = UnsafeBufferPointer(rebasing: input[start ..< end])
        position = end + 1
        let slot = try withDecodedString(raw, startOffset: start) { try handler.slot(forKey: $0) }
        if index < cachedKeys.count {
            cachedKeys[index] = Array(raw)
            cachedSlots[index] = slot
        } else {
            cachedKeys.append(Array(raw))
            cachedSlots.append(slot)
        }
        return slot
    }

    private mutating func readValue<Handler: RecordHandler>(slot: Int, handler: inout Handler) throws {
        let first = try peek()
        switch first {
        case UInt8(ascii: "\""):
            let start = position + 1
            let end = try endOfString(from: start)
            position = end + 1
            try withDecodedString(UnsafeBufferPointer(rebasing: input[start ..< end]), startOffset: start) {
                try handler.value(.string($0), slot: slot)
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            let start = position
            try scanNumber()
            try handler.value(.number(UnsafeBufferPointer(rebasing: input[start ..< position])), slot: slot)
        case UInt8(ascii: "t"):
            try expectWord("true")
            try handler.value(.bool(true), slot: slot)
        case UInt8(ascii: "f"):
            try expectWord("false")
            try handler.value(.bool(false), slot: slot)
        case UInt8(ascii: "n"):
            try expectWord("null")
            try handler.value(.null, slot: slot)
        case UInt8(ascii: "N"):
            let start = position
            try expectWord("NaN")
            try handler.value(.number(UnsafeBufferPointer(rebasing: input[start ..< position])), slot: slot)
        case UInt8(ascii: "I"):
            let start = position
            try expectWord("Infinity")
            try handler.value(.number(UnsafeBufferPointer(rebasing: input[start ..< position])), slot: slot)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let start = position
            try skipComposite()
            try handler.value(.composite(UnsafeBufferPointer(rebasing: input[start ..< position])), slot: slot)
        default:
            throw ReadError(offset: position, reason: "expected a value, found \(describeByte(at: position))")
        }
    }

    @inline(__always)
    private static func sameBytes(_ cached: [UInt8], _ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        guard cached.count == raw.count else { return false }
        guard !raw.isEmpty else { return true }
        return cached.withUnsafeBufferPointer { memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0 }
    }

    // MARK: Strings

    /// The offset of the closing quote of a string whose content starts at `start`.
    private func endOfString(from start: Int) throws -> Int {
        var i = start
        // Eight bytes at a time while none of them is a quote, a backslash or a control
        // character (feature strings run to hundreds of plain bytes).
        if let base = input.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= input.count {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if Self.mayEndString(word) { break }
                i += 8
            }
        }
        while i < input.count {
            let byte = input[i]
            if byte == UInt8(ascii: "\"") { return i }
            if byte == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if byte < 0x20 {
                throw ReadError(offset: i, reason: "a control character (0x\(String(byte, radix: 16))) inside a string must be escaped")
            }
            i += 1
        }
        throw ReadError(offset: input.count, reason: "unexpected end of input inside a string: the body looks cut off")
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether any byte of `word` is a quote, a backslash or below 0x20 (the classic has-zero-byte and
    /// has-less-than tests; a high byte never matches).
    @inline(__always)
    private static func mayEndString(_ word: UInt64) -> Bool {
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroInQuote = (quote &- ones) & ~quote
        let zeroInBackslash = (backslash &- ones) & ~backslash
        let below0x20 = (word &- ones &* 0x20) & ~word
        return (zeroInQuote | zeroInBackslash | below0x20) & highBits != 0
    }

    /// Calls `body` with the decoded, validated UTF-8 of a raw string body.
    private mutating func withDecodedString<R>(_ raw: UnsafeBufferPointer<UInt8>, startOffset: Int,
                                                _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
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

    private func decodeEscapes(_ raw: UnsafeBufferPointer<UInt8>, startOffset: Int, into out: inout [UInt8]) throws {
        var i = 0
        while i < raw.count {
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                i += 1
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

    private func hex4(_ raw: UnsafeBufferPointer<UInt8>, at index: Int, startOffset: Int) throws -> UInt32 {
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

    // MARK: Numbers, words, nested values

    private mutating func scanNumber() throws {
        let start = position
        if input[position] == UInt8(ascii: "-") {
            position += 1
            if position < input.count && input[position] == UInt8(ascii: "I") {
                try expectWord("Infinity")
                return
            }
        }
        guard position < input.count, isDigit(input[position]) else {
            throw ReadError(offset: position, reason: "a number needs digits after '-'")
        }
        if input[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < input.count && isDigit(input[position]) { position += 1 }
        }
        if position < input.count && input[position] == UInt8(ascii: ".") {
            position += 1
            let digitsStart = position
            while position < input.count && isDigit(input[position]) { position += 1 }
            guard position > digitsStart else { throw ReadError(offset: position, reason: "a number needs digits after '.'") }
        }
        if position < input.count && (input[position] | 0x20) == UInt8(ascii: "e") {
            position += 1
            if position < input.count && (input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-")) { position += 1 }
            let digitsStart = position
            while position < input.count && isDigit(input[position]) { position += 1 }
            guard position > digitsStart else { throw ReadError(offset: position, reason: "a number needs digits in its exponent") }
        }
        if position == input.count {
            // A number can only end the input when the body was cut off mid-array.
            throw ReadError(offset: start, reason: "unexpected end of input after a number: the body looks cut off")
        }
    }

    private mutating func expectWord(_ word: StaticString) throws {
        let length = word.utf8CodeUnitCount
        guard position + length <= input.count else {
            throw ReadError(offset: position, reason: "unexpected end of input: the body looks cut off")
        }
        let matches = word.withUTF8Buffer { expected in
            expected.elementsEqual(UnsafeBufferPointer(rebasing: input[position ..< position + length]))
        }
        guard matches else { throw ReadError(offset: position, reason: "expected a value, found \(describeByte(at: position))") }
        position += length
    }

    /// Skips a balanced array or object, strings included.
    private mutating func skipComposite() throws {
        var depth = 0
        while position < input.count {
            let byte = input[position]
            switch byte {
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                guard depth <= Self.maximumDepth else {
                    throw ReadError(offset: position, reason: "a value nests deeper than \(Self.maximumDepth) levels")
                }
                position += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                position += 1
                if depth == 0 { return }
            case UInt8(ascii: "\""):
                let end = try endOfString(from: position + 1)
                let raw = UnsafeBufferPointer(rebasing: input[position + 1 ..< end])
                if raw.contains(where: { $0 >= 0x80 }) && !isValidUTF8(raw) {
                    throw ReadError(offset: position, reason: "a string holds invalid UTF-8")
                }
                position = end + 1
            default:
                position += 1
            }
        }
        throw ReadError(offset: input.count, reason: "unexpected end of input inside a nested value: the body looks cut off")
    }

    // MARK: Small helpers

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private func peek() throws -> UInt8 {
        guard position < input.count else {
            throw ReadError(offset: position, reason: "unexpected end of input: the body looks cut off")
        }
        return input[position]
    }

    private mutating func take() throws -> UInt8 {
        let byte = try peek()
        position += 1
        return byte
    }

    private func describeByte(at offset: Int) -> String {
        guard offset < input.count else { return "the end of input" }
        let byte = input[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }
}

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool {
    byte &- UInt8(ascii: "0") < 10
}

/// Appends the UTF-8 encoding of a Unicode scalar value.
func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
    switch scalar {
    case 0 ..< 0x80:
        out.append(UInt8(scalar))
    case 0x80 ..< 0x800:
        out.append(UInt8(0xC0 | (scalar >> 6)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    case 0x800 ..< 0x10000:
        out.append(UInt8(0xE0 | (scalar >> 12)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    default:
        out.append(UInt8(0xF0 | (scalar >> 18)))
        out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    }
}
