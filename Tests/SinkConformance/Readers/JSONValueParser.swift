/// A JSON value (RFC 8259) as written: numbers keep their literal text, so the caller
/// converts them with `Int64(_:)` or `Double(_:)` and nothing is rounded on the way; object
/// members keep their order.
package indirect enum JSONValue {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// The member `key` of an object.
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }
}

/// A strict recursive-descent JSON parser over UTF-8 bytes: one value, whitespace around it,
/// nothing else.
package struct JSONValueParser {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let bytes: [UInt8]
    private var index = 0

    /// Parses `bytes` as exactly one JSON value.
    package static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws -> JSONValue {
        var parser = JSONValueParser(bytes: Array(bytes))
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.failure("text after the value") }
        return value
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func failure(_ message: String) -> Failure {
        Failure(description: "\(message) at byte \(index)")
    }

    private var next: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = next, [0x20, 0x09, 0x0A, 0x0D].contains(byte) { index += 1 }
    }

    /// Consumes `literal` if it comes next.
    private mutating func take(_ literal: String) -> Bool {
        let expected = Array(literal.utf8)
        guard bytes[index...].starts(with: expected) else { return false }
        index += expected.count
        return true
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 64 else { throw failure("nesting too deep") }
        skipWhitespace()
        if take("null") { return .null }
        if take("true") { return .bool(true) }
        if take("false") { return .bool(false) }
        if next == UInt8(ascii: "\"") { return .string(try string()) }
        if take("[") {
            var elements: [JSONValue] = []
            try list(closing: "]") { parser in elements.append(try parser.value(depth: depth + 1)) }
            return .array(elements)
        }
        if take("{") {
            var members: [(key: String, value: JSONValue)] = []
            try list(closing: "}") { parser in
                parser.skipWhitespace()
                guard parser.next == UInt8(ascii: "\"") else { throw parser.failure("expected a member name") }
                let key = try parser.string()
                parser.skipWhitespace()
                guard parser.take(":") else { throw parser.failure("expected :") }
                members.append((key, try parser.value(depth: depth + 1)))
            }
            return .object(members)
        }
        return .number(try number())
    }

    /// Elements separated by commas up to `closing` (the opening bracket already read).
    private mutating func list(closing: String, element: (inout JSONValueParser) throws -> Void) throws {
        skipWhitespace()
        if take(closing) { return }
        while true {
            try element(&self)
            skipWhitespace()
            if take(closing) { return }
            guard take(",") else { throw failure("expected , or \(closing)") }
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
    private mutating func number() throws -> String {
        let start = index
        func digits() throws -> Int {
            let first = index
            while let byte = next, (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(byte) { index += 1 }
            guard index > first else { throw failure("expected a value") }
            return index - first
        }
        _ = take("-")
        let integerStart = index
        if try digits() > 1, bytes[integerStart] == UInt8(ascii: "0") { throw failure("a leading zero") }
        if take(".") { _ = try digits() }
        if take("e") || take("E") {
            if !take("+") { _ = take("-") }
            _ = try digits()
        }
        return String(decoding: bytes[start ..< index], as: UTF8.self)
    }

    private mutating func string() throws -> String {
        index += 1 // the opening quote
        var text = ""
        var run: [UInt8] = []
        while true {
            guard let byte = next else { throw failure("unclosed string") }
            index += 1
            if byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                guard byte >= 0x20 else { throw failure("a control character inside a string") }
                run.append(byte)
                continue
            }
            guard let plain = String(validating: run, as: UTF8.self) else { throw failure("invalid UTF-8 in a string") }
            text += plain
            run.removeAll()
            if byte == UInt8(ascii: "\"") { return text }
            guard let escape = next else { throw failure("unclosed escape") }
            index += 1
            switch Unicode.Scalar(escape) {
            case "\"", "\\", "/": text.unicodeScalars.append(Unicode.Scalar(escape))
            case "b": text += "\u{8}"
            case "f": text += "\u{C}"
            case "n": text += "\n"
            case "r": text += "\r"
            case "t": text += "\t"
            case "u": text.unicodeScalars.append(try unicodeEscape())
            default: throw failure("unknown escape \\\(Unicode.Scalar(escape))")
            }
        }
    }

    /// The scalar of `\uXXXX` (the `\u` already read), joining a surrogate pair.
    private mutating func unicodeEscape() throws -> Unicode.Scalar {
        let first = try hex4()
        if (0xD800 ..< 0xDC00).contains(first) {
            guard take("\\u"), case let second = try hex4(), (0xDC00 ..< 0xE000).contains(second) else { throw failure("an unpaired surrogate") }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(first) else { throw failure("an unpaired surrogate") }
        return scalar
    }

    private mutating func hex4() throws -> UInt32 {
        let digits = bytes[index...].prefix(4)
        guard digits.count == 4, digits.allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
              let value = UInt32(String(decoding: digits, as: UTF8.self), radix: 16) else { throw failure("a bad \\u escape") }
        index += 4
        return value
    }
}
