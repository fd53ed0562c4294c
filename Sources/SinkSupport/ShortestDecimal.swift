/// The shortest decimal that reads back as a given double, and among those the nearest to it:
/// the digits Swift's `description` prints, found by Raffaello Giulietti's Schubfach method
/// ("The Schubfach way to render doubles", 2020) in 64-bit integer arithmetic.
///
/// The standard library's formatter does the same work through 128-bit integer calls that are
/// not inlined here; it was a third of the CSV writer's instructions.
enum ShortestDecimal {
    /// `magnitude` as `significand × 10^exponent` with the fewest significant digits (trailing
    /// zeros may remain; the caller drops them). Nil for zero, infinities, NaN and the subnormals
    /// of at most 20 units (below 1.04e-322), where the method's precision does not hold: the
    /// caller formats those the slow way.
    @inline(__always)
    static func decimal(of magnitude: Double) -> (significand: UInt64, exponent: Int)? {
        let bits = magnitude.bitPattern
        let fraction = bits & (1 << 52 - 1)
        let biasedExponent = Int(truncatingIfNeeded: (bits >> 52) & 0x7FF)
        guard biasedExponent != 0x7FF else { return nil }
        guard biasedExponent != 0 else {
            guard fraction > 20 else { return nil }
            return schubfach(significand: fraction, binaryExponent: -1074)
        }
        let significand = 1 << 52 | fraction
        let shift = 1075 - biasedExponent
        // An integer below 2^53 is its own shortest decimal: its neighbours are 1 or less apart.
        if shift > 0 && shift < 53 {
            let integer = significand >> UInt64(shift)
            if integer << UInt64(shift) == significand { return (integer, 0) }
        }
        return schubfach(significand: significand, binaryExponent: -shift)
    }

    /// The shortest decimal in the rounding interval of `significand × 2^binaryExponent`.
    @inline(__always)
    private static func schubfach(significand c: UInt64, binaryExponent q: Int) -> (significand: UInt64, exponent: Int) {
        // The interval's bounds, in quarters of a unit: half a unit either side, except below a
        // power of two, where the next double down is half as far.
        let odd = c & 1
        let scaled = c << 2
        let upper = scaled + 2
        let lower: UInt64
        let k: Int
        if c != 1 << 52 || q == -1074 {
            lower = scaled - 2
            k = floorLog10(powerOfTwo: q)
        } else {
            lower = scaled - 1
            k = floorLog10(threeQuartersOfPowerOfTwo: q)
        }
        // Everything times 10^-k, so that the interval spans between 1 and 10 units.
        let h = UInt64(q + floorLog2(powerOfTen: -k) + 2)
        let index = 2 * (k - smallestPower)
        let high = powers[index]
        let low = powers[index + 1]
        let value = roundedToOdd(high, low, scaled &<< h)
        let lowerBound = roundedToOdd(high, low, lower &<< h)
        let upperBound = roundedToOdd(high, low, upper &<< h)
        let s = value >> 2
        // One digit fewer: at most one multiple of ten fits in the interval.
        if s >= 100 {
            let down = s / 10 * 10
            let up = down + 10
            let downInside = lowerBound + odd <= down << 2
            let upInside = up << 2 + odd <= upperBound
            if downInside != upInside { return (downInside ? down : up, k) }
        }
        // Otherwise the integer below or above, whichever is inside; if both are, the nearer
        // (the even one on a tie).
        let t = s + 1
        let sInside = lowerBound + odd <= s << 2
        let tInside = t << 2 + odd <= upperBound
        if sInside != tInside { return (sInside ? s : t, k) }
        let midpoint = (s + t) << 1
        let nearerIsS = value < midpoint || (value == midpoint && s & 1 == 0)
        return (nearerIsS ? s : t, k)
    }

    /// `(high × 2^63 + low) × factor / 2^127`, its last bit set when the division is inexact
    /// (rounding to odd keeps the comparisons above exact).
    @inline(__always)
    private static func roundedToOdd(_ high: UInt64, _ low: UInt64, _ factor: UInt64) -> UInt64 {
        let lowProduct = low.multipliedFullWidth(by: factor).high
        let highProduct = high.multipliedFullWidth(by: factor)
        let middle = (highProduct.low >> 1) + lowProduct
        let lowBits: UInt64 = 1 << 63 - 1
        return (highProduct.high + middle >> 63) | ((middle & lowBits) + lowBits) >> 63
    }

    // Integer logarithms by fixed-point multiplication, exact over every exponent a double
    // has (scripts/generate-decimal-powers checks them against exact integers).

    @inline(__always)
    static func floorLog10(powerOfTwo q: Int) -> Int {
        (q &* 661_971_961_083) >> 41
    }

    @inline(__always)
    static func floorLog10(threeQuartersOfPowerOfTwo q: Int) -> Int {
        (q &* 661_971_961_083 &- 274_743_187_321) >> 41
    }

    @inline(__always)
    static func floorLog2(powerOfTen e: Int) -> Int {
        (e &* 913_124_641_741) >> 38
    }
}
