/// The rules that turn a ``Cell`` into a value of a column's type.
///
/// The API mixes encodings in one column (numbers as strings on upper-limit rows, `"nan"`
/// for a missing string), so each rule accepts every encoding Fink is known to use and
/// refuses the rest with a reason.
enum ValueConversion {
    /// A conversion result: a value, a missing value, or a reason it does not fit.
    enum Outcome<Value> {
        case value(Value)
        case missing
        case mismatch(String)
    }

    /// Text that means "no value" where a number is expected.
    static func isMissingText(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch bytes.count {
        case 0: return true
        case 3: return isWord(bytes, "nan") || isWord(bytes, "NaN")
        case 4: return isWord(bytes, "null") || isWord(bytes, "None")
        default: return false
        }
    }

    /// The literal `"nan"`, which is how the API writes a missing string cell.
    static func isMissingString(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count == 3 && isWord(bytes, "nan")
    }

    /// Byte equality with an ASCII literal, without going through `String`.
    @inline(__always)
    private static func isWord(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let literal = word.utf8Start
        for index in 0 ..< bytes.count where bytes[index] != literal[index] { return false }
        return true
    }

    static func integer(_ cell: Cell, thirtyTwoBit: Bool) -> Outcome<Int64> {
        let bytes: UnsafeBufferPointer<UInt8>
        switch cell {
        case .null: return .missing
        case .number(let number): bytes = number.bytes
        case .string(let b), .text(let b):
            if isMissingText(b) { return .missing }
            bytes = b
        case .bool: return .mismatch("a boolean is not an integer")
        case .composite: return .mismatch("a nested JSON value is not an integer")
        }
        switch NumberParsing.integer(bytes) {
        case .value(let value):
            if thirtyTwoBit && (value < Int64(Int32.min) || value > Int64(Int32.max)) {
                return .mismatch("does not fit a 32-bit int")
            }
            return .value(value)
        case .overflow:
            return .mismatch("is beyond the 64-bit integer range")
        case .notInteger:
            guard let real = NumberParsing.double(bytes) else { return .mismatch("is not a number") }
            if real.isNaN { return .missing }
            // An integral literal such as 3.0 is exact only while doubles hold every integer.
            guard real.isFinite, real == real.rounded(), abs(real) <= 9_007_199_254_740_992 else {
                return .mismatch("is not an integer")
            }
            let value = Int64(real)
            if thirtyTwoBit && (value < Int64(Int32.min) || value > Int64(Int32.max)) {
                return .mismatch("does not fit a 32-bit int")
            }
            return .value(value)
        }
    }

    static func real(_ cell: Cell, thirtyTwoBit: Bool) -> Outcome<Double> {
        let bytes: UnsafeBufferPointer<UInt8>
        switch cell {
        case .null: return .missing
        case .number(let number): bytes = number.bytes
        case .string(let b), .text(let b):
            if isMissingText(b) { return .missing }
            bytes = b
        case .bool: return .mismatch("a boolean is not a number")
        case .composite: return .mismatch("a nested JSON value is not a number")
        }
        guard let value = NumberParsing.double(bytes) else { return .mismatch("is not a number") }
        if value.isNaN { return .missing }
        // The words Infinity and inf mean infinity; a written-out number that overflows does not.
        if value.isInfinite, bytes.contains(where: isDigit) {
            return .mismatch("is beyond the range of a 64-bit float")
        }
        if thirtyTwoBit && value.isFinite && abs(value) > Double(Float.greatestFiniteMagnitude) {
            return .mismatch("does not fit a 32-bit float")
        }
        return .value(value)
    }

    static func boolean(_ cell: Cell) -> Outcome<Bool> {
        let bytes: UnsafeBufferPointer<UInt8>
        switch cell {
        case .null: return .missing
        case .bool(let value): return .value(value)
        case .number(let number): bytes = number.bytes
        case .string(let b), .text(let b): bytes = b
        case .composite: return .mismatch("a nested JSON value is not a boolean")
        }
        if isMissingText(bytes) { return .missing }
        switch String(decoding: bytes, as: UTF8.self) {
        case "true", "True", "TRUE", "1": return .value(true)
        case "false", "False", "FALSE", "0": return .value(false)
        default: return .mismatch("is not a boolean")
        }
    }

    /// Renders a cell for an error message, shortened.
    static func preview(_ cell: Cell) -> String {
        func quoted(_ b: UnsafeBufferPointer<UInt8>) -> String {
            let text = String(decoding: b.prefix(80), as: UTF8.self)
            return "\"\(text)\(b.count > 80 ? "…" : "")\""
        }
        switch cell {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let number): return String(decoding: number.bytes.prefix(80), as: UTF8.self)
        case .string(let b), .text(let b), .composite(let b): return quoted(b)
        }
    }
}
