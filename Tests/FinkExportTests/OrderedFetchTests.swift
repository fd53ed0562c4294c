@testable import FinkExport
import Foundation
import Synchronization
import Testing

/// The fetch loop's bounds: results in job order, at most `concurrency` held, and a byte budget
/// that holds large answers back.
@Suite("Ordered fetch")
struct OrderedFetchTests {
    /// Jobs that take `delay(index)` and return `weight(index)` bytes; what ran at once.
    final class Probe: Sendable {
        let running = Mutex((now: 0, most: 0, mostAfterFirst: 0))

        /// A job starts; `launchedAfterFirst` for one launched once a first result was in (the
        /// first wave, launched before any, may start late on a loaded machine: it is not
        /// what the budget bounds).
        func start(launchedAfterFirst: Bool) {
            running.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
                if launchedAfterFirst { $0.mostAfterFirst = max($0.mostAfterFirst, $0.now) }
            }
        }

        func end() {
            running.withLock { $0.now -= 1 }
        }
    }

    static func run(count: Int, concurrency: Int, budget: Int?, weight: @escaping @Sendable (Int) -> Int) async throws
        -> (delivered: [Int], probe: Probe) {
        let probe = Probe()
        var delivered: [Int] = []
        try await OrderedFetch.run(0 ..< count, concurrency: concurrency, byteBudget: budget, weight: { weight($0) }, job: { index in
            // The first wave is at most `concurrency` jobs, launched before any result.
            probe.start(launchedAfterFirst: index >= concurrency)
            // Later jobs finish first, so results wait out of order.
            try await Task.sleep(nanoseconds: UInt64((count - index) % 4) * 2_000_000)
            probe.end()
            return index
        }, deliver: { index, result in
            #expect(index == result)
            delivered.append(index)
        })
        return (delivered, probe)
    }

    @Test("without a budget: every result, in job order, at most `concurrency` jobs at once")
    func order() async throws {
        let (delivered, probe) = try await Self.run(count: 40, concurrency: 4, budget: nil) { _ in 1_000_000 }
        #expect(delivered == Array(0 ..< 40))
        #expect(probe.running.withLock { $0.most } <= 4)
    }

    @Test("with a budget of two answers' bytes, two requests run at once after the first answer, in order")
    func budget() async throws {
        let (delivered, probe) = try await Self.run(count: 40, concurrency: 4, budget: 100) { _ in 40 }
        #expect(delivered == Array(0 ..< 40))
        #expect(probe.running.withLock { $0.mostAfterFirst } <= 2)
        // An answer larger than the whole budget still goes through, alone.
        let (alone, single) = try await Self.run(count: 10, concurrency: 4, budget: 100) { _ in 500 }
        #expect(alone == Array(0 ..< 10))
        #expect(single.running.withLock { $0.mostAfterFirst } <= 1)
    }

    @Test("with a budget, the next request goes out while a result is being handed over, not after")
    func launchesBeforeHandOver() async throws {
        let started = Mutex(Set<Int>())
        var sawNextDuringHandOver = false
        try await OrderedFetch.run(0 ..< 6, concurrency: 2, byteBudget: 1_000, weight: { _ in 10 }, job: { index in
            started.withLock { _ = $0.insert(index) }
            return index
        }, deliver: { index, _ in
            guard index == 0 else { return }
            // The writer is slow: the hand-over of the first result waits (up to 5 s) for the
            // request after the first two, which a loop launching only after hand-overs never sends.
            for _ in 0 ..< 500 where !started.withLock({ $0.contains(2) }) {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            sawNextDuringHandOver = started.withLock { $0.contains(2) }
        })
        #expect(sawNextDuringHandOver)
    }
}
