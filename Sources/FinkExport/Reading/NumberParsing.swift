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
        var i = 0
        let n = bytes.count
        var negative = false
        if i < n && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < n else { return nil }
        if !isDigit(bytes[i]) {
            return special(UnsafeBufferPointer(rebasing: bytes[i...])).map { negative ? -$0 : $0 }
        }
        let integerStart = i
        while i < n && isDigit(bytes[i]) { i &+= 1 }
        let integerEnd = i
        var fractionStart = i
        var fractionEnd = i
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i &+= 1
            fractionStart = i
            while i < n && isDigit(bytes[i]) { i &+= 1 }
            fractionEnd = i
            guard fractionEnd > fractionStart else { return nil }
        }
        var exponent = 0
        if i < n && (bytes[i] | 0x20) == UInt8(ascii: "e") {
            i &+= 1
            var exponentNegative = false
            if i < n && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i &+= 1
            }
            var written = 0
            let digitsStart = i
            while i < n && isDigit(bytes[i]) {
                if written < 100_000 { written = written &* 10 &+ Int(bytes[i] &- UInt8(ascii: "0")) }
                i &+= 1
            }
            guard i > digitsStart else { return nil }
            exponent = exponentNegative ? -written : written
        }
        guard i == n, integerEnd > integerStart else { return nil }
        exponent -= fractionEnd - fractionStart
        // Leading zeros are not significant; the mantissa is exact only up to 19 digits.
        var leadingZeros = 0
        var k = integerStart
        while k < integerEnd && bytes[k] == UInt8(ascii: "0") { leadingZeros &+= 1; k &+= 1 }
        if k == integerEnd {
            k = fractionStart
            while k < fractionEnd && bytes[k] == UInt8(ascii: "0") { leadingZeros &+= 1; k &+= 1 }
        }
        let significantDigits = (integerEnd - integerStart) + (fractionEnd - fractionStart) - leadingZeros
        var mantissa: UInt64 = 0
        if significantDigits <= 19 {
            mantissa = accumulate(bytes, integerStart, integerEnd, into: 0)
            mantissa = accumulate(bytes, fractionStart, fractionEnd, into: mantissa)
        }
        if significantDigits <= 15 && mantissa < (1 << 53) && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            if exponent < 0 { value /= exactPowersOfTen[-exponent] } else { value *= exactPowersOfTen[exponent] }
            return negative ? -value : value
        }
        if significantDigits <= 19, let value = eiselLemire(mantissa: mantissa, exponent: exponent, negative: negative) {
            return value
        }
        return correctlyRounded(bytes)
    }

    /// `mantissa` followed by the digits `bytes[start ..< end]`, eight at a time where it can;
    /// the caller has made sure the result fits.
    @inline(__always)
    private static func accumulate(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                   into mantissa: UInt64) -> UInt64 {
        var value = mantissa
        var k = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while k &+ 8 <= end {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt64.self))
                value = value &* 100_000_000 &+ UInt64(eightDigits(word))
                k &+= 8
            }
        }
        while k < end {
            value = value &* 10 &+ UInt64(bytes[k] &- UInt8(ascii: "0"))
            k &+= 1
        }
        return value
    }

    /// The value of eight ASCII digits read as a little-endian word (first digit lowest).
    @inline(__always)
    private static func eightDigits(_ word: UInt64) -> UInt32 {
        var value = word &- 0x3030_3030_3030_3030
        value = (value &* 10) &+ (value >> 8)
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        value = ((value & mask) &* 0x000F_4240_0000_0064 &+ ((value >> 16) & mask) &* 0x0000_2710_0000_0001) >> 32
        return UInt32(truncatingIfNeeded: value)
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
