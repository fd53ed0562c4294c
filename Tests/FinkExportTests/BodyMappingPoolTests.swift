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

        func pool(reservedSpan: Int = BodyMappingPool.defaultReservedSpan) -> BodyMappingPool {
            BodyMappingPool(reservedSpan: reservedSpan) { [self] mapping in
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

    @Test("a kept mapping grows in place for a larger body, every byte of it usable")
    func growsInPlace() throws {
        let unmapped = Unmapped()
        let pool = unmapped.pool()
        let small = try #require(pool.take(atLeast: 4 * Self.mebibyte))
        pool.release(small)
        let large = try #require(pool.take(atLeast: 10 * Self.mebibyte + 5))
        #expect(large.start == small.start)
        #expect(large.length >= 10 * Self.mebibyte + 5 && large.length < 10 * Self.mebibyte + 5 + BodyMappingPool.page)
        large.start.initializeMemory(as: UInt8.self, repeating: 0x5A, count: large.length)
        #expect(large.start.load(fromByteOffset: large.length - 1, as: UInt8.self) == 0x5A)
        #expect(unmapped.all.isEmpty)
        pool.release(large)
    }

    @Test("a kept mapping is cut down to a smaller body's whole huge pages")
    func cutForSmallerBody() throws {
        let unmapped = Unmapped()
        let pool = unmapped.pool()
        let large = try #require(pool.take(atLeast: 16 * Self.mebibyte))
        pool.release(large)
        let smaller = try #require(pool.take(atLeast: 13 * Self.mebibyte + 1))
        #expect(smaller.start == large.start)
        #expect(smaller.length == 14 * Self.mebibyte)
        pool.release(smaller)
        let small = try #require(pool.take(atLeast: 3 * Self.mebibyte))
        #expect(small.start == large.start && small.length == 4 * Self.mebibyte)
        // Already whole huge pages of a body just over 2 MiB: not cut further.
        pool.release(small)
        let same = try #require(pool.take(atLeast: 2 * Self.mebibyte + 1))
        #expect(same.start == large.start && same.length == 4 * Self.mebibyte)
        #expect(unmapped.all.isEmpty)
        pool.release(same)
    }

    @Test("kept mappings are given up rather than hold, with those in use, more than was ever in use at once")
    func keptWithinHighWater() throws {
        let unmapped = Unmapped()
        let pool = unmapped.pool()
        let a = try #require(pool.take(atLeast: 8 * Self.mebibyte))
        let b = try #require(pool.take(atLeast: 8 * Self.mebibyte))
        pool.release(a)
        pool.release(b)
        // 16 MiB kept, the most in use. A body of 12 MiB grows one to 12: 12 + 8 > 16, the other goes.
        let c = try #require(pool.take(atLeast: 12 * Self.mebibyte))
        #expect(c.start == a.start || c.start == b.start)
        #expect(unmapped.all.count == 1 && unmapped.all[0] != c.start)
        let d = try #require(pool.take(atLeast: 7 * Self.mebibyte))
        #expect(d.start != c.start)
        // Both in use (19 MiB, the most now), then kept: a body of 6 MiB takes the 7 MiB one.
        pool.release(c)
        pool.release(d)
        let e = try #require(pool.take(atLeast: 6 * Self.mebibyte))
        #expect(e.start == d.start)
        #expect(unmapped.all.count == 1)
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

    @Test("where the address space cannot hold the reservation (ulimit -v), a mapping reserves its body's length")
    func reservationRefused() throws {
        let unmapped = Unmapped()
        // More address space than any machine has: the reservation is refused as under a limit.
        let pool = unmapped.pool(reservedSpan: 1 << 60)
        let small = try #require(pool.take(atLeast: 4 * Self.mebibyte))
        #expect(small.reserved == 4 * Self.mebibyte && small.length == 4 * Self.mebibyte)
        small.start.initializeMemory(as: UInt8.self, repeating: 0x3C, count: small.length)
        pool.release(small)
        // No room to grow it: a new mapping, and the kept one given up (4 + 10 > the 10 in use).
        let large = try #require(pool.take(atLeast: 10 * Self.mebibyte))
        #expect(large.start != small.start && large.reserved == 10 * Self.mebibyte)
        #expect(unmapped.all == [small.start])
        large.start.initializeMemory(as: UInt8.self, repeating: 0xC3, count: large.length)
        pool.release(large)
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
