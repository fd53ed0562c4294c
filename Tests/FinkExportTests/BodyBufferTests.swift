@testable import FinkExport
import Foundation
import Testing

/// The buffers bodies are received into: on a page (on 2 MiB for large ones), growing without
/// losing a byte, and handed over as `Data` that outlives the buffer.
@Suite("Body buffers")
struct BodyBufferTests {
    static func fill(_ buffer: BodyBuffer, count: Int, seed: UInt8) {
        let bytes = buffer.start.assumingMemoryBound(to: UInt8.self)
        for index in 0 ..< count { bytes[index] = UInt8(truncatingIfNeeded: index &* 31) &+ seed }
    }

    static func expected(count: Int, seed: UInt8) -> Data {
        Data((0 ..< count).map { UInt8(truncatingIfNeeded: $0 &* 31) &+ seed })
    }

    @Test("small and large buffers start on a page, large ones on 2 MiB, with at least the capacity asked",
          arguments: [1, 4095, 65536, 2 << 20 - 1, 2 << 20, 5 << 20 + 3])
    func alignment(capacity: Int) throws {
        let buffer = try #require(BodyBuffer(capacity: capacity))
        #expect(buffer.capacity >= capacity)
        #expect(Int(bitPattern: buffer.start) % BodyBuffer.page == 0)
        if capacity >= BodyBuffer.hugePage { #expect(Int(bitPattern: buffer.start) % BodyBuffer.hugePage == 0) }
        Self.fill(buffer, count: capacity, seed: 7)
        #expect(buffer.take(count: capacity) == Self.expected(count: capacity, seed: 7))
    }

    @Test("growing keeps the bytes received so far, across the change from malloc to a mapping")
    func growKeepsBytes() throws {
        let buffer = try #require(BodyBuffer(capacity: 100_000))
        Self.fill(buffer, count: 100_000, seed: 3)
        #expect(buffer.grow(to: 3 << 20, keeping: 100_000))
        #expect(buffer.capacity >= 3 << 20)
        #expect(Data(bytes: buffer.start, count: 100_000) == Self.expected(count: 100_000, seed: 3))
        Self.fill(buffer, count: 3 << 20, seed: 5)
        #expect(buffer.grow(to: 9 << 20, keeping: 3 << 20))
        #expect(buffer.take(count: 3 << 20) == Self.expected(count: 3 << 20, seed: 5))
    }

    @Test("the Data handed over stays whole after the buffer is gone")
    func handedOverOutlivesBuffer() throws {
        var data: Data?
        do {
            let buffer = try #require(BodyBuffer(capacity: 4 << 20))
            Self.fill(buffer, count: 4 << 20, seed: 11)
            data = buffer.take(count: 4 << 20)
        }
        #expect(data == Self.expected(count: 4 << 20, seed: 11))
    }
}

/// Giving back the memory of a body's bytes once read (`AnswerReader`'s `releasingRead`).
@Suite("Body buffers: releasing what was read")
struct BodyBufferReleaseTests {
    /// Whether each 4 KiB page of `range` of `data` is in memory (`mincore`).
    static func resident(_ data: Data, _ range: Range<Int>) -> [Bool] {
        data.withUnsafeBytes { raw in
            var pages = [UInt8](repeating: 0, count: range.count / BodyBuffer.page)
            let start = UnsafeMutableRawPointer(mutating: raw.baseAddress!) + range.lowerBound
            #expect(mincore(start, range.count, &pages) == 0)
            return pages.map { $0 & 1 == 1 }
        }
    }

    @Test("the whole 2 MiB pieces before the offset leave memory; every byte after it stays")
    func releasesWholePiecesBefore() throws {
        let count = 7 << 20 + 12_345
        let buffer = try #require(BodyBuffer(capacity: count))
        BodyBufferTests.fill(buffer, count: count, seed: 9)
        let data = buffer.take(count: count)
        let offset = 4 << 20 + 1_000  // inside the third piece
        #expect(Self.resident(data, 0 ..< 6 << 20).allSatisfy { $0 })
        data.withUnsafeBytes { BodyBuffer.releaseRead($0, before: offset) }
        #expect(Self.resident(data, 0 ..< 4 << 20).allSatisfy { !$0 })
        #expect(Self.resident(data, 4 << 20 ..< 6 << 20).allSatisfy { $0 })
        let expected = BodyBufferTests.expected(count: count, seed: 9)
        #expect(data[(4 << 20)...] == expected[(4 << 20)...])
        // An earlier offset gives nothing back twice; one past the end stops at the last whole piece.
        data.withUnsafeBytes { BodyBuffer.releaseRead($0, before: 1 << 20) }
        data.withUnsafeBytes { BodyBuffer.releaseRead($0, before: count * 2) }
        #expect(Self.resident(data, 4 << 20 ..< 6 << 20).allSatisfy { !$0 })
        #expect(data[(6 << 20)...] == expected[(6 << 20)...])
    }

    @Test("memory that no body buffer handed over is never touched", arguments: [false, true])
    func foreignMemoryUntouched(aligned: Bool) throws {
        let count = 6 << 20
        let expected = BodyBufferTests.expected(count: count, seed: 4)
        var data = expected
        if aligned {
            // On a 2 MiB boundary, like a body buffer's mapping, but from posix_memalign.
            var block: UnsafeMutableRawPointer?
            #expect(posix_memalign(&block, BodyBuffer.hugePage, count) == 0)
            expected.withUnsafeBytes { block!.copyMemory(from: $0.baseAddress!, byteCount: count) }
            data = Data(bytesNoCopy: block!, count: count, deallocator: .free)
        }
        data.withUnsafeBytes { BodyBuffer.releaseRead($0, before: count) }
        #expect(data == expected)
    }

    @Test("a buffer never handed over, or unmapped already, is not released")
    func onlyWhileHandedOver() throws {
        let count = 4 << 20
        var address: UInt = 0
        do {
            let buffer = try #require(BodyBuffer(capacity: count))
            BodyBufferTests.fill(buffer, count: count, seed: 2)
            address = UInt(bitPattern: buffer.start)
            // Not handed over: its memory is still the buffer's, for more of the body.
            BodyBuffer.releaseRead(UnsafeRawBufferPointer(start: buffer.start, count: count), before: count)
            #expect(Data(bytes: buffer.start, count: count) == BodyBufferTests.expected(count: count, seed: 2))
            _ = buffer.take(count: count)  // handed over and released at once
        }
        // A new mapping may reuse the address; it is registered afresh only when handed over.
        let later = try #require(BodyBuffer(capacity: count))
        BodyBufferTests.fill(later, count: count, seed: 6)
        BodyBuffer.releaseRead(UnsafeRawBufferPointer(start: later.start, count: count), before: count)
        #expect(Data(bytes: later.start, count: count) == BodyBufferTests.expected(count: count, seed: 6))
        _ = address
    }
}
