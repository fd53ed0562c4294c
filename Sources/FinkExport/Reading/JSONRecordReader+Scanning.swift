/// Numbers, literal words, nested values and whitespace: the JSON reader's scanning.
extension JSONRecordReader {
    /// Scans a JSON number (or `-Infinity`) and takes it apart on the way. The position is
    /// kept in a local until the end, so that it stays in a register.
    @inline(__always)
    mutating func scanNumber() throws -> NumberLiteral {
        let start = position
        let base = input.baseAddress!
        let count = input.count
        var p = start
        var parts = DecimalParts()
        if base[p] == UInt8(ascii: "-") {
            parts.negative = true
            p &+= 1
            if p < count && base[p] == UInt8(ascii: "I") {
                position = p
                try expectWord("Infinity")
                return NumberLiteral(bytes: UnsafeBufferPointer(rebasing: input[start ..< position]), parts: nil)
            }
        }
        guard p < count, isDigit(base[p]) else {
            throw ReadError(offset: p, reason: "a number needs digits after '-'")
        }
        if base[p] == UInt8(ascii: "0") {
            parts.digits = 1
            p &+= 1
        } else {
            p = DigitRun.accumulate(base, from: p, end: count, mantissa: &parts.mantissa, digits: &parts.digits)
        }
        if p < count && base[p] == UInt8(ascii: ".") {
            let before = parts.digits
            p = DigitRun.accumulate(base, from: p &+ 1, end: count, mantissa: &parts.mantissa, digits: &parts.digits)
            let fractionDigits = parts.digits &- before
            guard fractionDigits > 0 else { throw ReadError(offset: p, reason: "a number needs digits after '.'") }
            parts.exponent = -fractionDigits
            parts.isInteger = false
        }
        if p < count && (base[p] | 0x20) == UInt8(ascii: "e") {
            guard let end = NumberParsing.exponent(input, from: p &+ 1, into: &parts) else {
                p &+= 1
                if p < count && (base[p] == UInt8(ascii: "+") || base[p] == UInt8(ascii: "-")) { p &+= 1 }
                throw ReadError(offset: p, reason: "a number needs digits in its exponent")
            }
            p = end
        }
        if p == count {
            // A number can only end the input when the body was cut off mid-array.
            throw ReadError(offset: start, reason: "unexpected end of input after a number: the body looks cut off")
        }
        position = p
        return NumberLiteral(bytes: UnsafeBufferPointer(start: base + start, count: p &- start), parts: parts)
    }

    mutating func expectWord(_ word: StaticString) throws {
        let length = word.utf8CodeUnitCount
        guard position + length <= input.count else {
            throw ReadError(offset: position, reason: "unexpected end of input: the body looks cut off")
        }
        // A byte loop: the generic elementsEqual cost about 150 instructions per null.
        let expected = word.utf8Start
        var matches = true
        for offset in 0 ..< length where input[position &+ offset] != expected[offset] {
            matches = false
            break
        }
        guard matches else { throw ReadError(offset: position, reason: "expected a value, found \(describeByte(at: position))") }
        position += length
    }

    /// Skips a balanced array or object, strings included.
    mutating func skipComposite() throws {
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
    mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    func peek() throws -> UInt8 {
        guard position < input.count else {
            throw ReadError(offset: position, reason: "unexpected end of input: the body looks cut off")
        }
        return input[position]
    }

    mutating func take() throws -> UInt8 {
        let byte = try peek()
        position += 1
        return byte
    }

    func describeByte(at offset: Int) -> String {
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
