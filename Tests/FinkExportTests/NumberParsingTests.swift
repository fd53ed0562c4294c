import FinkExport
import Foundation
import Testing

@Suite("Number parsing: exact integers and correctly rounded doubles")
struct NumberParsingTests {
    private func integer(_ text: String) -> IntegerParse {
        Array(text.utf8).withUnsafeBufferPointer { NumberParsing.integer($0) }
    }

    private func double(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { NumberParsing.double($0) }
    }

    @Test("64-bit ids stay exact, including beyond 2^53 and at the limits")
    func exactIntegers() {
        #expect(integer("9007199254740993") == .value(9_007_199_254_740_993))
        #expect(integer("1095578116115010004") == .value(1_095_578_116_115_010_004))
        #expect(integer("9223372036854775807") == .value(.max))
        #expect(integer("-9223372036854775808") == .value(.min))
        #expect(integer("9223372036854775808") == .overflow)
        #expect(integer("123456789012345678901234") == .overflow)
        #expect(integer("1.0") == .notInteger)
        #expect(integer("1e3") == .notInteger)
        #expect(integer("") == .notInteger)
        #expect(integer("-") == .notInteger)
    }

    @Test("every double reads back exactly as Swift's own parser reads it")
    func roundTrips() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0 ..< 20_000 {
            let value = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
            for text in [value.description, String(format: "%.17g", value), String(format: "%.10f", value)] {
                #expect(double(text) == Double(text), "\(text)")
            }
        }
        for text in ["2461186.9361689999", "0.0000280975", "1.23e+17", "1.0E7", "1.0E-4", "-0.0", "5e-324",
                     "1.7976931348623157e308", "0.1", "18.291412", "123456789012345678901234567890"] {
            #expect(double(text) == Double(text), "\(text)")
        }
    }

    @Test("literals of up to 19 significant digits at any exponent round as strtod rounds them")
    func upToNineteenDigits() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0 ..< 100_000 {
            let digits = Int.random(in: 1 ... 19, using: &rng)
            var mantissa = String(UInt64.random(in: 1 ... UInt64.max, using: &rng))
            mantissa = String(mantissa.prefix(digits))
            let exponent = Int.random(in: -350 ... 320, using: &rng)
            let text = "\(Bool.random(using: &rng) ? "-" : "")\(mantissa)e\(exponent)"
            #expect(double(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
        // Exact halfway points (ties to even), powers of two near 2^53 and 2^64, the subnormal
        // boundary, overflow and underflow.
        for text in ["9007199254740993", "9007199254740995", "9007199254740992.5", "18446744073709551615",
                     "18446744073709551616e-1", "2.2250738585072011e-308", "2.2250738585072014e-308",
                     "4.9406564584124654e-324", "2.4703282292062327e-324", "1.7976931348623158e308",
                     "1.7976931348623159e308", "1e-400", "0e999", "0.0000000000000000000000001",
                     "2461186.936168999900", "0.12345678901234567", "7.2057594037927933e16"] {
            #expect(double(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test("digit runs of every length, on both sides of the point and with leading zeros, round as strtod rounds them")
    func everyRunLength() {
        // The reader takes digits eight at a time: runs shorter than, equal to and longer than
        // a word, ending at the end of the buffer or before a point or an exponent.
        var rng = SystemRandomNumberGenerator()
        func digits(_ count: Int) -> String {
            String((0 ..< count).map { _ in Character(String(Int.random(in: 0 ... 9, using: &rng))) })
        }
        for integerLength in 1 ... 24 {
            for fractionLength in 0 ... 24 {
                for zeros in [0, 1, 7, 8, 9, 20] {
                    var integer = digits(integerLength)
                    var fraction = digits(fractionLength)
                    if fractionLength > 0 { fraction = String(repeating: "0", count: zeros) + fraction }
                    else { integer = String(repeating: "0", count: zeros) + integer }
                    var text = fractionLength > 0 ? "\(integer).\(fraction)" : integer
                    #expect(double(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
                    text = "-\(text)e\(Int.random(in: -30 ... 30, using: &rng))"
                    #expect(double(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
                }
            }
        }
        for text in ["0.000000000000000000000012345", "00000000000000000000000000001.5", "0.00000000000000000000",
                     "1234567890123456789.0", "12345678901234567890", "0.1234567890123456789", "99999999.99999999"] {
            #expect(double(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
        for text in ["12345678.", "12345678.e5", "1234567890123456789e", "123456789x", "1.23456789012x"] {
            #expect(double(text) == nil, "\(text)")
        }
    }

    @Test("reads the words Python and Java use, and refuses non-numbers")
    func specials() {
        #expect(double("NaN")!.isNaN)
        #expect(double("nan")!.isNaN)
        #expect(double("Infinity") == .infinity)
        #expect(double("-Infinity") == -.infinity)
        #expect(double("inf") == .infinity)
        #expect(double("1e999") == .infinity)
        for text in ["", "abc", ".5", "1.", "1e", "--1", "0x10", "1,5", " 1", "None"] {
            #expect(double(text) == nil, "\(text)")
        }
    }
}
