import SinkSupport
import Testing

@Suite("Text formatting: the numbers the text sinks write")
struct TextFormattingTests {
    @Test("a double is appended as its shortest round-trip text, Swift's description, after what the buffer held")
    func doubles() {
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 1e16, 1e-5, 123456789012345680, 2461186.936169, 18.291412,
                                .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .ulpOfOne]
        for _ in 0 ..< 50_000 { values.append(Double(bitPattern: rng.next())) }
        for _ in 0 ..< 20_000 { values.append(Double.random(in: -30 ... 30, using: &rng)) }
        for value in values {
            var out = Array("x,".utf8)
            TextFormatting.appendDouble(value, to: &out)
            #expect(out == Array("x,\(value.description)".utf8), "\(value.bitPattern)")
        }
    }

    @Test("an integer is appended in decimal, its sign and every digit of 64 bits kept")
    func integers() {
        var rng = SystemRandomNumberGenerator()
        var values: [Int64] = [0, 9, 10, -1, -9, -10, 99, 100, .max, .min, .max - 1, .min + 1,
                               1_095_578_116_115_010_004, 9_007_199_254_740_993]
        for _ in 0 ..< 50_000 { values.append(Int64(bitPattern: rng.next())) }
        for _ in 0 ..< 5_000 { values.append(Int64.random(in: -1_000 ... 1_000, using: &rng)) }
        for value in values {
            var out = Array("x,".utf8)
            TextFormatting.appendInteger(value, to: &out)
            #expect(out == Array("x,\(value)".utf8), "\(value)")
        }
    }
}
