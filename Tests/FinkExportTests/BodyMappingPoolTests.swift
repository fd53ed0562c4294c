@testable import FinkExport
import Foundation
import Testing

/// The pool that large bodies' mappings come from: reused for bodies of about their size,
/// and never holding more memory than the bodies needed at once.
@Suite("Body mapping pool")
struct BodyMappingPoolTests {
    /// The starts of the mappings a pool gave back to the system, in order (each really unmapped).
    final class Unmapped: @unchecked Sendable {
        private let lock = NSLock()
        private var starts: [UnsafeMutableRawPointer] = []
        var all: [UnsafeMutableRawPointer] { lock.withLock { starts } }

        func pool() -> BodyMappingPool {
            BodyMappingPool { [self] mapping in
                lock.withLock { starts.append(mapping.start) }
                munmap(mapping.start, mapping.length)
            }
        }
    }

    static let mebibyte = 1 << 20

    @Test("a released body's memory is reused for the next body of about its size, which reads back whole")
    func reuse() throws {
        let unmapped = Unmapped()
        let pool = unmapped.pool()
        let firstStart: UnsafeMutableRawPointer
        let second: BodyBuffer
        do {
            let first = try #require(BodyBuffer(capacity: 8 * Self.mebibyte, pool: pool)).take(count: 8 * Self.mebibyte)
            firstStart = first.withUnsafeBytes { UnsafeMutableRawPointer(mutating: $0.baseAddress!) }
            // Still held: the next body gets other memory.
            second = try withExtendedLifetime(first) { try #require(BodyBuffer(capacity: 6 * Self.mebibyte, pool: pool)) }
            #expect(second.start != firstStart)
        }
        let third = try #require(BodyBuffer(capacity: 6 * Self.mebibyte, pool: pool))
        #expect(third.start == firstStart)
        #expect(third.capacity >= 6 * Self.mebibyte)
        BodyBufferTests.fill(third, count: 6 * Self.mebibyte, seed: 9)
        #expect(third.take(count: 6 * Self.mebibyte) == BodyBufferTests.expected(count: 6 * Self.mebibyte, seed: 9))
        #expect(unmapped.all.isEmpty)
    }

    @Test("a mapping is not used for a body under half its length, and is given up rather than hold more than was ever in use")
    func noOversizedReuse() throws {
        let unmapped = Unmapped()
        let pool = unmapped.pool()
        let large = try #require(pool.take(atLeast: 16 * Self.mebibyte))
        pool.release(large)
        // 16 MiB kept and 4 MiB more would pass the 16 MiB ever in use: the kept one goes.
        let small = try #require(pool.take(atLeast: 4 * Self.mebibyte))
        #expect(small.start != large.start)
        #expect(unmapped.all == [large.start])
        pool.release(small)
    }

    @Test("kept mappings stay while the bodies in use and kept fit in the most ever in use")
    func keptWithinHighWater() throws {
        let unmapped = Unmapped()
        let pool = unmapped.pool()
        let a = try #require(pool.take(atLeast: 8 * Self.mebibyte))
        let b = try #require(pool.take(atLeast: 8 * Self.mebibyte))
        pool.release(a)
        // 8 in use, 8 kept, 12 asked: 28 > 16, so the kept one goes before the new mapping.
        let c = try #require(pool.take(atLeast: 12 * Self.mebibyte))
        #expect(unmapped.all == [a.start])
        pool.release(b)
        pool.release(c)
        // Both kept now (20 MiB, the most in use at once): a body of 7 MiB takes b, 12 MiB c.
        let d = try #require(pool.take(atLeast: 7 * Self.mebibyte))
        let e = try #require(pool.take(atLeast: 12 * Self.mebibyte))
        #expect(d.start == b.start)
        #expect(e.start == c.start)
        #expect(unmapped.all == [a.start])
        pool.release(d)
        pool.release(e)
    }

    @Test("at most four released mappings are kept, the oldest given up first, and the rest when the pool goes")
    func keptLimit() throws {
        let unmapped = Unmapped()
        var starts: [UnsafeMutableRawPointer] = []
        do {
            let pool = unmapped.pool()
            let mappings = try (0 ..< 5).map { _ in try #require(pool.take(atLeast: 3 * Self.mebibyte)) }
            starts = mappings.map(\.start)
            for mapping in mappings { pool.release(mapping) }
            #expect(unmapped.all == [starts[0]])
            #expect(BodyMappingPool.keptLimit == 4)
        }
        #expect(Set(unmapped.all) == Set(starts))
        #expect(unmapped.all.count == 5)
    }

    @Test("a mapping starts on 2 MiB and holds whole pages of at least the length asked",
          arguments: [2 << 20, 5 << 20 + 3, 33 << 20 + 4097])
    func mappingShape(length: Int) throws {
        let pool = BodyMappingPool()
        let mapping = try #require(pool.take(atLeast: length))
        #expect(Int(bitPattern: mapping.start) % BodyMappingPool.hugePage == 0)
        #expect(mapping.length >= length && mapping.length < length + BodyMappingPool.page)
        #expect(mapping.length % BodyMappingPool.page == 0)
        // Every byte is writable.
        mapping.start.initializeMemory(as: UInt8.self, repeating: 0xA5, count: mapping.length)
        #expect(mapping.start.load(fromByteOffset: mapping.length - 1, as: UInt8.self) == 0xA5)
        pool.release(mapping)
    }
}
