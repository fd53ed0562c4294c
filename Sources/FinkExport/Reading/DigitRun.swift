/// Runs of ASCII digits read eight bytes at a time, for the number scanners: a 17-digit
/// double is two or three words rather than seventeen byte tests, and each word's digits are
/// checked and valued together.
///
/// A word is read little-endian (the first byte lowest); past the end of the buffer it is
/// padded with zero bytes, which are not digits, and nothing beyond `end` is ever read.
enum DigitRun {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Powers of ten up to 10^8, the multipliers of a mantissa for a run of that many digits.
    private static let powersOfTen: [UInt64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    /// The eight bytes from `index` as one word, zero bytes in place of those past `end`.
    @inline(__always)
    static func word(_ base: UnsafePointer<UInt8>, at index: Int, end: Int) -> UInt64 {
        let raw = UnsafeRawPointer(base)
        if index &+ 8 <= end {
            return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
        }
        // The last eight bytes of the buffer, shifted down to start at `index`: zeros come in
        // at the top, and no byte outside the buffer is read.
        if end >= 8 {
            let last = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end &- 8, as: UInt64.self))
            return last &>> UInt64(8 &* (8 &- (end &- index)))
        }
        var padded: UInt64 = 0
        var k = end
        while k > index {
            k &-= 1
            padded = padded &<< 8 | UInt64(base[k])
        }
        return padded
    }

    /// How many of the word's bytes, from the first, are ASCII digits (0 to 8).
    @inline(__always)
    static func leadingDigits(_ word: UInt64) -> Int {
        // A byte is a digit when it differs from '0' by less than 10: adding 0x76 to its low
        // seven bits sets the high bit from 10 on, without carrying into the next byte.
        let offset = word ^ (ones &* 0x30)
        let notDigit = (((offset & ~highBits) &+ ones &* 0x76) | offset) & highBits
        return notDigit.trailingZeroBitCount >> 3
    }

    /// Reads the digits from `index` into `mantissa` (times ten per digit, plus the digit) and
    /// counts them in `digits`; returns where the run ends. Past 19 significant digits the
    /// mantissa wraps around: the caller counts them and does not use it then.
    @inline(__always)
    static func accumulate(_ base: UnsafePointer<UInt8>, from index: Int, end: Int,
                           mantissa: inout UInt64, digits: inout Int) -> Int {
        var i = index
        while i < end {
            let word = word(base, at: i, end: end)
            let run = leadingDigits(word)
            if run == 0 { break }
            mantissa = mantissa &* powersOfTen[run] &+ UInt64(value(word, digits: run))
            digits &+= run
            i &+= run
            if run < 8 { break }
        }
        return i
    }

    /// The number written by the first `count` bytes of `word` (1 to 8 digits).
    @inline(__always)
    static func value(_ word: UInt64, digits count: Int) -> UInt32 {
        // The digits' values, moved to the top of the word: the bytes below them are then zero,
        // leading zeros of an eight-digit number. A borrow from a byte past the digits only
        // reaches higher bytes, which the shift drops.
        var value = (word &- ones &* 0x30) &<< UInt64(8 &* (8 &- count))
        value = (value &* 10) &+ (value >> 8)
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        value = ((value & mask) &* 0x000F_4240_0000_0064 &+ ((value >> 16) & mask) &* 0x0000_2710_0000_0001) >> 32
        return UInt32(truncatingIfNeeded: value)
    }
}
