import SinkSupport
import Testing

@Suite("Text formatting: the numbers the text sinks write")
struct TextFormattingTests {
    @Test("a double is appended as its shortest round-trip text, Swift's description, after what the buffer held (an array or cell bytes)")
    func doubles() {
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 1e16, 1e-5, 123456789012345680, 2461186.936169, 18.291412,
                                .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .ulpOfOne]
        for _ in 0 ..< 50_000 { values.append(Double(bitPattern: rng.next())) }
        for _ in 0 ..< 20_000 { values.append(Double.random(in: -30 ... 30, using: &rng)) }
        // Every binary exponent, at the edges of its significands (powers of two, where the
        // interval is lopsided, and their neighbours) and at a random one.
        for biased in UInt64(0) ..< 0x7FF {
            for fraction in [0, 1, 2, 3, 1 << 52 - 1, 1 << 52 - 2, rng.next() & (1 << 52 - 1)] as [UInt64] {
                values.append(Double(bitPattern: biased << 52 | fraction))
            }
        }
        // The smallest subnormals (left to the standard library up to 20 units) and past them.
        for units in UInt64(1) ... 64 { values.append(Double(bitPattern: units)) }
        // Short decimals, integers up to and past 2^53, the plain/exponent boundaries.
        for k in 1 ... 3_000 { values += [Double(k) / 1_000, Double(k) * 1e-7, Double(k), -Double(k) / 100] }
        for power in -30 ... 30 {
            let p = Double("1e\(power)")!
            values += [p, p.nextUp, p.nextDown, 9 * p, 1.5 * p]
        }
        for offset in -4 ... 4 { values.append(0x1p53 + Double(offset)); values.append(0x1p54 + 2 * Double(offset)) }
        for value in values {
            var out = Array("x,".utf8)
            TextFormatting.appendDouble(value, to: &out)
            #expect(out == Array("x,\(value.description)".utf8), "\(value.bitPattern)")
        }
        Self.expectCellBytes(values, as: \.description) { TextFormatting.appendDouble($0, to: $1) }
    }

    @Test("an integer is appended in decimal, its sign and every digit of 64 bits kept (an array or cell bytes)")
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
        Self.expectCellBytes(values, as: \.description) { TextFormatting.appendInteger($0, to: $1) }
    }

    /// The cell-bytes form of a formatter: every value, each followed by a comma, into one
    /// small buffer that grows as they arrive, against `text` of each value. The first
    /// difference is named (the buffers are megabytes: printing them whole would bury it).
    private static func expectCellBytes<Value>(_ values: [Value], as text: (Value) -> String,
                                               append: (Value, CellBytes) -> Void) {
        let cells = CellBytes(capacity: 64)
        var expected: [UInt8] = []
        for value in values {
            append(value, cells)
            cells.append(",")
            expected += Array("\(text(value)),".utf8)
        }
        let got = cells.withBytes { Array($0) }
        let common = Swift.min(got.count, expected.count)
        let first = (0 ..< common).first { got[$0] != expected[$0] } ?? common
        let same = got == expected
        #expect(same, "cell bytes differ from byte \(first): \(String(decoding: got[first...].prefix(40), as: UTF8.self)) against \(String(decoding: expected[first...].prefix(40), as: UTF8.self))")
    }
}
