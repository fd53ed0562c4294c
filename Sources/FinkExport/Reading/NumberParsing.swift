#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The outcome of reading an integer literal.
package enum IntegerParse: Equatable {
    /// An exact value.
    case value(Int64)
    /// Integer syntax, but beyond the 64-bit range.
    case overflow
    /// Not an integer literal (a fraction, an exponent, text).
    case notInteger
}

/// A decimal literal taken apart, before it is made a value.
package struct DecimalParts {
    /// The literal's digits as one integer: exact while at most 19 of them are significant.
    var mantissa: UInt64 = 0
    /// The digits in the literal, leading zeros counted.
    var digits = 0
    /// The power of ten the mantissa is multiplied by.
    var exponent = 0
    /// A minus sign before the digits.
    var negative = false
    /// No fraction and no exponent.
    var isInteger = true
}

/// Exact decimal-to-binary conversions for the hot path.
///
/// Integers never pass through `Double`, so ids above 2^53 stay exact. Doubles are correctly
/// rounded: a fast exact path for short literals (Clinger), Eisel–Lemire for up to 19
/// significant digits (the API's 17-digit values), `strtod` for what neither decides.
package enum NumberParsing {
    /// Reads `[-+]?digits` exactly.
    package static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> IntegerParse {
        var i = 0
        var negative = false
        if i < bytes.count && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < bytes.count else { return .notInteger }
        var magnitude: UInt64 = 0
        var overflow = false
        while i < bytes.count {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return .notInteger }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { overflow = true }
            magnitude = sum
            i += 1
        }
        if overflow { return .overflow }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return .overflow }
            return .value(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
        }
        guard magnitude <= UInt64(Int64.max) else { return .overflow }
        return .value(Int64(magnitude))
    }

    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Reads a decimal number, correctly rounded: JSON and Java forms (`1.0E7`, `+1`, `.5`
    /// is refused), and the words `NaN`, `nan`, `Infinity`, `inf` with an optional sign.
    /// Returns nil when the text is not a number.
    package static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let parts = parts(bytes) else {
            var i = 0
            if i < bytes.count && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) { i = 1 }
            guard i < bytes.count, !isDigit(bytes[i]) else { return nil }
            return special(UnsafeBufferPointer(rebasing: bytes[i...])).map { bytes[0] == UInt8(ascii: "-") ? -$0 : $0 }
        }
        return double(parts, literal: bytes)
    }

    /// Takes a decimal literal apart (the words are not decimals): one pass, eight digits at a
    /// time (``DigitRun``), the digits checked and added to the mantissa together.
    package static func parts(_ bytes: UnsafeBufferPointer<UInt8>) -> DecimalParts? {
        guard let base = bytes.baseAddress, !bytes.isEmpty,
              let (parts, end) = leadingParts(base, from: 0, end: bytes.count), end == bytes.count else { return nil }
        return parts
    }

    /// Takes apart the decimal literal that starts at `index` and returns it with where it
    /// ends, for scanners that find a number's end by reading it (what follows is theirs to
    /// judge). Nil when no literal starts there, or it breaks off (`1.`, `2e`).
    @inline(__always)
    static func leadingParts(_ base: UnsafePointer<UInt8>, from index: Int, end n: Int) -> (DecimalParts, Int)? {
        var i = index
        var parts = DecimalParts()
        if i < n && (base[i] == UInt8(ascii: "-") || base[i] == UInt8(ascii: "+")) {
            parts.negative = base[i] == UInt8(ascii: "-")
            i &+= 1
        }
        guard i < n, isDigit(base[i]) else { return nil }
        i = DigitRun.accumulate(base, from: i, end: n, mantissa: &parts.mantissa, digits: &parts.digits)
        if i < n && base[i] == UInt8(ascii: ".") {
            let before = parts.digits
            i = DigitRun.accumulate(base, from: i &+ 1, end: n, mantissa: &parts.mantissa, digits: &parts.digits)
            let fractionDigits = parts.digits &- before
            guard fractionDigits > 0 else { return nil }
            parts.exponent = -fractionDigits
            parts.isInteger = false
        }
        if i < n && (base[i] | 0x20) == UInt8(ascii: "e") {
            guard let end = exponent(UnsafeBufferPointer(start: base, count: n), from: i &+ 1, into: &parts) else { return nil }
            i = end
        }
        return (parts, i)
    }

    /// Reads an exponent's `[-+]?digits` from `index` into `parts`; returns where it ends, or
    /// nil when it has no digits. Past 100,000 the power is kept there: any double has
    /// overflowed or underflowed long before.
    @inline(__always)
    static func exponent(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int, into parts: inout DecimalParts) -> Int? {
        var i = index
        let n = bytes.count
        var negative = false
        if i < n && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
            negative = bytes[i] == UInt8(ascii: "-")
            i &+= 1
        }
        var written = 0
        let digitsStart = i
        while i < n && isDigit(bytes[i]) {
            if written < 100_000 { written = written &* 10 &+ Int(bytes[i] &- UInt8(ascii: "0")) }
            i &+= 1
        }
        guard i > digitsStart else { return nil }
        parts.exponent += negative ? -written : written
        parts.isInteger = false
        return i
    }

    /// The double nearest to a literal taken apart; `literal` is its text, for the rare cases
    /// the parts do not decide.
    package static func double(_ parts: DecimalParts, literal: UnsafeBufferPointer<UInt8>) -> Double {
        // The mantissa is exact while it has at most 19 significant digits (leading zeros add
        // nothing to it); past that, strtod decides.
        if parts.digits > 19 && significantDigits(literal, digits: parts.digits) > 19 { return correctlyRounded(literal) }
        let mantissa = parts.mantissa
        let exponent = parts.exponent
        if mantissa < (1 << 53) && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            if exponent < 0 { value /= exactPowersOfTen[-exponent] } else { value *= exactPowersOfTen[exponent] }
            return parts.negative ? -value : value
        }
        if let value = eiselLemire(mantissa: mantissa, exponent: exponent, negative: parts.negative) {
            return value
        }
        return correctlyRounded(literal)
    }

    /// The exact integer of a literal taken apart, as ``integer(_:)`` reads its text.
    package static func integer(_ parts: DecimalParts, literal: UnsafeBufferPointer<UInt8>) -> IntegerParse {
        guard parts.isInteger else { return .notInteger }
        // Up to 19 digits the mantissa is the exact magnitude; longer ones are read again.
        guard parts.digits <= 19 else { return integer(literal) }
        if parts.negative {
            guard parts.mantissa <= UInt64(Int64.max) + 1 else { return .overflow }
            return .value(parts.mantissa == UInt64(Int64.max) + 1 ? Int64.min : -Int64(parts.mantissa))
        }
        guard parts.mantissa <= UInt64(Int64.max) else { return .overflow }
        return .value(Int64(parts.mantissa))
    }

    /// The digits of a checked literal less its leading zeros (those before the first nonzero
    /// digit, in the integer part or the fraction).
    private static func significantDigits(_ bytes: UnsafeBufferPointer<UInt8>, digits: Int) -> Int {
        var leadingZeros = 0
        for byte in bytes {
            if byte == UInt8(ascii: "0") {
                leadingZeros &+= 1
            } else if byte != UInt8(ascii: "-") && byte != UInt8(ascii: "+") && byte != UInt8(ascii: ".") {
                break
            }
        }
        return digits - leadingZeros
    }

    private static func special(_ word: UnsafeBufferPointer<UInt8>) -> Double? {
        switch String(decoding: word, as: UTF8.self) {
        case "NaN", "nan": return .nan
        case "Infinity", "inf": return .infinity
        default: return nil
        }
    }

    private static func correctlyRounded(_ bytes: UnsafeBufferPointer<UInt8>) -> Double {
        // strtod is correctly rounded in glibc; the syntax was validated above, so it
        // consumes the whole literal.
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer in
            for k in 0 ..< bytes.count { buffer[k] = CChar(bitPattern: bytes[k]) }
            buffer[bytes.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }
}
