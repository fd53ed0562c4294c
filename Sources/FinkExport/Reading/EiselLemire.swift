extension NumberParsing {
    /// The double nearest to `mantissa` × 10^`exponent`, by the Eisel–Lemire algorithm
    /// (Lemire, "Number Parsing at a Gigabyte per Second", 2021): one or two 64×128-bit
    /// products with a normalised power of five. Returns nil where it does not decide
    /// (subnormal results, exponents outside the table, an ambiguous product), and the
    /// caller then uses `strtod`.
    ///
    /// - Parameter mantissa: the literal's significant digits, exact (at most 19 of them).
    static func eiselLemire(mantissa: UInt64, exponent: Int, negative: Bool) -> Double? {
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        guard exponent >= smallestPowerOfFive, exponent <= largestPowerOfFive else { return nil }
        let leadingZeros = mantissa.leadingZeroBitCount
        let normalised = mantissa << UInt64(leadingZeros)
        let index = 2 * (exponent - smallestPowerOfFive)
        var (high, low) = normalised.multipliedFullWidth(by: powersOfFive[index])
        // 55 bits are needed (52 stored, the implicit one, two for rounding); when the bits
        // below them are all ones, the low half of the power may carry into them.
        let belowPrecision: UInt64 = 0x1FF
        if high & belowPrecision == belowPrecision {
            let second = normalised.multipliedFullWidth(by: powersOfFive[index + 1])
            let (sum, carry) = low.addingReportingOverflow(second.high)
            low = sum
            if carry { high &+= 1 }
            if high & belowPrecision == belowPrecision && low == UInt64.max { return nil }
        }
        let upperBit = Int(high >> 63)
        let shift = UInt64(upperBit + 64 - 52 - 3)
        var significand = high >> shift
        // floor(log2(10^q)) + 63, the binary exponent of the product, biased for IEEE 754.
        var binaryExponent = (((152_170 + 65_536) * exponent) >> 16) + 63 + upperBit - leadingZeros + 1023
        guard binaryExponent > 0 else { return nil }
        // Exactly halfway between two doubles: round to even rather than up.
        if low <= 1 && exponent >= -4 && exponent <= 23 && significand & 3 == 1 && significand << shift == high {
            significand &= ~1
        }
        significand += significand & 1
        significand >>= 1
        if significand >= 1 << 53 {
            significand = 1 << 52
            binaryExponent += 1
        }
        significand &= ~(1 << 52)
        guard binaryExponent < 0x7FF else { return negative ? -.infinity : .infinity }
        let bits = significand | UInt64(binaryExponent) << 52 | (negative ? 1 << 63 : 0)
        return Double(bitPattern: bits)
    }
}
