#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the real API's software writes numbers, so the stand-in's bytes look like Fink's.
public enum NumberText {
    /// pandas `to_json` (ujson, `double_precision=10`): fixed point with at most 10 decimals,
    /// trailing zeros trimmed, an exponent from 1e16 on.
    public static func pandas(_ value: Double) -> String {
        if !value.isFinite { return "null" }
        if abs(value) >= 1e16 { return value.description }
        var buffer = [CChar](repeating: 0, count: 64)
        let length = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([value]) { vsnprintf(pointer.baseAddress!, 64, "%.10f", $0) }
        }
        var text = String(decoding: buffer[0 ..< Int(length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        while text.hasSuffix("0") && !text.hasSuffix(".0") { text.removeLast() }
        if text == "-0.0" && value == 0 && value.sign == .plus { text = "0.0" }
        return text
    }

    /// The double pandas' text reads back as: the value the API really delivers.
    public static func pandasCanonical(_ value: Double) -> Double {
        Double(pandas(value)) ?? value
    }

    /// Java's `Double.toString` (as Spark writes array elements): shortest digits, decimal
    /// between 1e-3 and 1e7, otherwise `d.dddE±n`; `NaN`, `Infinity`.
    public static func java(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let sign = value < 0 ? "-" : ""
        let (digits, point) = shortestDigits(abs(value))
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e7 {
            if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
            if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) + ".0" }
            let split = digits.index(digits.startIndex, offsetBy: point)
            return sign + digits[..<split] + "." + digits[split...]
        }
        let rest = digits.dropFirst()
        return sign + String(digits.first!) + "." + (rest.isEmpty ? "0" : String(rest)) + "E\(point - 1)"
    }

    /// The shortest round-trip digits of a positive finite value and the decimal point's
    /// position: value = 0.DIGITS × 10^point.
    static func shortestDigits(_ value: Double) -> (String, Int) {
        let text = value.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...])!
        }
        var integerPart = mantissa
        var fractionPart: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fractionPart = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(integerPart) + fractionPart
        var point = integerPart.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (digits, point)
    }
}
