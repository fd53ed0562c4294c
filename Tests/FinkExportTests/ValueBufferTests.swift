@testable import FinkExport
import Testing

@Suite("ValueBuffer: a column's values as a batch is built")
struct ValueBufferTests {
    @Test("values appended past the reserved room all come out, in order, and the buffer starts again empty")
    func growsAndTakes() {
        var buffer = ValueBuffer<Double>(capacity: 3)
        let values = (0 ..< 1000).map { Double($0) * 0.1 - 7 }
        for value in values { buffer.append(value) }
        #expect(buffer.count == 1000)
        #expect(buffer.take() == values)
        #expect(buffer.count == 0)
        buffer.append(-0.0)
        buffer.append(.infinity)
        let next = buffer.take()
        #expect(next.count == 2 && next[0].sign == .minus && next[1] == .infinity)
        #expect(buffer.take() == [])
    }

    @Test("an unreserved buffer grows at its first value; repeats, last and removeLast")
    func editing() {
        var buffer = ValueBuffer<Bool>()
        #expect(buffer.last == nil)
        buffer.append(true, repeats: 40)
        buffer.append(false)
        #expect(buffer.last == false)
        #expect(buffer.removeLast() == false)
        #expect(buffer.last == true)
        buffer.append(true, repeats: 0)
        #expect(buffer.take() == Array(repeating: true, count: 40))
    }

    @Test("64-bit integers beyond 2^53 are kept exactly across growth")
    func integers() {
        var buffer = ValueBuffer<Int64>(capacity: 1)
        let values: [Int64] = [.max, .min, 9_007_199_254_740_993, -1, 0]
        for value in values { buffer.append(value) }
        buffer.removeAll()
        for value in values.reversed() { buffer.append(value) }
        #expect(buffer.take() == values.reversed())
    }
}
