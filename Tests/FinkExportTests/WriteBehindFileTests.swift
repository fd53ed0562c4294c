@testable import FinkExport
import Foundation
import SinkConformance
@testable import SinkSupport
import Testing

/// The sinks' files, written on a thread of their own: the file holds exactly what was appended,
/// in order, and a failure on that thread reaches the sink.
@Suite("Files written behind the sink")
struct WriteBehindFileTests {
    /// Appends `bytes` in pieces of 1 to 300,000 bytes (as the text sinks' 64 KiB drains and
    /// gzip's output come), from a buffer at no particular alignment.
    static func appendInPieces(_ bytes: Data, to file: WriteBehindFile) -> Int32? {
        var generator = SystemRandomNumberGenerator()
        var offset = 0
        while offset < bytes.count {
            let length = min(Int.random(in: 1 ... 300_000, using: &generator), bytes.count - offset)
            let failure = bytes.withUnsafeBytes { file.append($0.baseAddress! + offset, count: length) }
            if let failure { return failure }
            offset += length
        }
        return nil
    }

    @Test("small files, one chunk, and more chunks than are in flight read back byte for byte")
    func readsBack() throws {
        let scratch = try ScratchDirectory()
        let ext4 = UncachedFileTests.isExt4(scratch.url)
        let chunk = WriteBehindFile.chunkSize
        for total in [0, 1, 60_000, chunk - 1, chunk, chunk + 1, WriteBehindFile.chunkCount * chunk * 3 + 12345] {
            let bytes = UncachedFileTests.randomBytes(total)
            let path = scratch.path("file-\(total)").path
            let file = try WriteBehindFile(path: path)
            #expect(Self.appendInPieces(bytes, to: file) == nil)
            let outcome = file.close()
            if total < UncachedFile.smallestDirect {
                #expect(outcome == .cached, "\(total) bytes")
            } else if ext4 {
                #expect(outcome == .direct, "\(total) bytes")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes, "\(total) bytes")
        }
    }

    @Test("a full disk on the writing thread reaches the sink as its errno, from a later append or from close")
    func failureReachesTheSink() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("output").path
        let full = UncachedFileTests.device { written, _ in written >= 2 << 20 ? (-1, ENOSPC) : nil }
        let file = try WriteBehindFile(path: path, calls: full)
        // Enough chunks that the sink must wait for a free one after the failure.
        let appended = Self.appendInPieces(UncachedFileTests.randomBytes(12 << 20), to: file)
        let closed = file.close()
        #expect(appended == ENOSPC || closed == .failed(ENOSPC))
        #expect(closed == .failed(ENOSPC))
    }

    @Test("abandoning a file part-way stops the writing thread and leaves the file to be removed")
    func abandonPartWay() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("output").path
        let file = try WriteBehindFile(path: path)
        #expect(Self.appendInPieces(UncachedFileTests.randomBytes(6 << 20), to: file) == nil)
        file.abandon()
        #expect(file.close() == .failed(EBADF))
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? -1
        #expect(size >= 0 && size <= 6 << 20)
    }

    @Test("a file that cannot be created is the errno of the open")
    func openFailure() throws {
        let scratch = try ScratchDirectory()
        #expect(throws: UncachedFile.OpenFailure(errno: ENOENT)) {
            try WriteBehindFile(path: scratch.path("missing/output").path)
        }
    }
}
