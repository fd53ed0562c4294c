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
        // Below 1e5 a double is finer than 1e-10, so a shortest form with at most 10 decimals
        // is exactly what %.10f prints once trailing zeros go.
        if abs(value) < 1e5 {
            let shortest = value.description
            if let dot = shortest.utf8.firstIndex(of: UInt8(ascii: ".")), !shortest.utf8.contains(UInt8(ascii: "e")),
               shortest.utf8.distance(from: dot, to: shortest.utf8.endIndex) <= 11 {
                return shortest
            }
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            var length = Int(withVaList([value]) { vsnprintf(buffer.baseAddress!, 64, "%.10f", $0) })
            // Trim trailing zeros but keep one digit after the point.
            while length > 2 && buffer[length - 1] == 0x30 && buffer[length - 2] != 0x2E { length -= 1 }
            let bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: length).bindMemory(to: UInt8.self)
            let text = String(decoding: bytes, as: UTF8.self)
            return text == "-0.0" && value.sign == .plus ? "0.0" : text
        }
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
