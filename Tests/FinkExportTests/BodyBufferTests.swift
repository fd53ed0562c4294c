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
        let buffer = try #require(BodyBuffer(capacity: capacity, pool: BodyMappingPool()))
        #expect(buffer.capacity >= capacity)
        #expect(Int(bitPattern: buffer.start) % BodyBuffer.page == 0)
        if capacity >= BodyBuffer.hugePage { #expect(Int(bitPattern: buffer.start) % BodyBuffer.hugePage == 0) }
        Self.fill(buffer, count: capacity, seed: 7)
        #expect(buffer.take(count: capacity) == Self.expected(count: capacity, seed: 7))
    }

    @Test("growing keeps the bytes received so far, across the change from malloc to a mapping")
    func growKeepsBytes() throws {
        let buffer = try #require(BodyBuffer(capacity: 100_000, pool: BodyMappingPool()))
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
            let buffer = try #require(BodyBuffer(capacity: 4 << 20, pool: BodyMappingPool()))
            Self.fill(buffer, count: 4 << 20, seed: 11)
            data = buffer.take(count: 4 << 20)
        }
        #expect(data == Self.expected(count: 4 << 20, seed: 11))
    }
}
