@testable import FinkExport
import Foundation
import SinkConformance
import Testing

/// The kept answers' files, written around the page cache: whatever way the bytes go, the file
/// read back holds exactly them.
@Suite("Files written around the page cache")
struct UncachedFileWriteTests {
    /// Lengths on both sides of the device block, the direct-write threshold and the aligned
    /// buffer, and one spanning several buffers with a ragged end.
    static let lengths = [0, 1, 4095, 4096, 4097, 65535, 65536, 65537, 1 << 20 - 1, 1 << 20, 1 << 20 + 1,
                          3 << 20 + 12345]

    static func randomBytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        var words = (0 ..< (count + 7) / 8).map { _ in generator.next() }
        return words.withUnsafeMutableBytes { Data($0.prefix(count)) }
    }

    /// `bytes` in a buffer that starts on a page (as a received body does) or 8 bytes past one.
    static func source(_ bytes: Data, pageAligned: Bool) -> Data {
        var block: UnsafeMutableRawPointer?
        guard posix_memalign(&block, 4096, bytes.count + 8) == 0, let block else { fatalError("out of memory") }
        let start = pageAligned ? block : block + 8
        bytes.copyBytes(to: start.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        return Data(bytesNoCopy: start, count: bytes.count, deallocator: .custom { _, _ in free(block) })
    }

    /// The system's calls, except that `write` answers `refuse(bytes written so far, count asked)`
    /// instead while the descriptor is in `O_DIRECT` mode: nil passes the call on, a number is
    /// the result (an `errno` set when negative) or how many bytes to pass on when positive.
    static func device(refusing refuse: @escaping @Sendable (Int, Int) -> (result: Int, errno: Int32)?) -> UncachedFileWrite.Calls {
        /// One file is written at a time, on the test's thread.
        final class Count: @unchecked Sendable { var value = 0 }
        let writtenDirectly = Count()
        return UncachedFileWrite.Calls(open: UncachedFileWrite.Calls.system.open, write: { descriptor, bytes, count in
            guard fcntl(descriptor, F_GETFL) & UncachedFileWrite.directFlag != 0 else { return Glibc.write(descriptor, bytes, count) }
            let answer = refuse(writtenDirectly.value, count) ?? (count, 0)
            if answer.result < 0 {
                errno = answer.errno
                return -1
            }
            // A part of a block cannot go directly: written the ordinary way, as a device that
            // stopped part-way would leave it.
            let flags = fcntl(descriptor, F_GETFL)
            let partial = answer.result % UncachedFileWrite.alignment != 0
            if partial { _ = fcntl(descriptor, F_SETFL, flags & ~UncachedFileWrite.directFlag) }
            let result = Glibc.write(descriptor, bytes, answer.result)
            if partial { _ = fcntl(descriptor, F_SETFL, flags) }
            writtenDirectly.value += max(result, 0)
            return result
        })
    }

    static func succeeded(_ outcome: UncachedFileWrite.Outcome) -> Bool {
        if case .failed = outcome { return false }
        return true
    }

    /// Whether `directory` is on ext4, which takes `O_DIRECT` (the scratch directory here and in
    /// CI): the type of the mount with the longest mount point leading to it.
    static func isExt4(_ directory: URL) -> Bool {
        let path = directory.resolvingSymlinksInPath().path
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        var best: (point: String, type: String) = ("", "")
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count > 2 else { continue }
            let point = fields[1]
            let leads = path == point || path.hasPrefix(point.hasSuffix("/") ? point : point + "/")
            if leads, point.count > best.point.count { best = (point, fields[2]) }
        }
        return best.type == "ext4"
    }

    @Test("every length reads back byte for byte; large files go to the device directly where the file system allows",
          arguments: [true, false])
    func lengthsReadBack(pageAligned: Bool) throws {
        let scratch = try ScratchDirectory()
        let ext4 = Self.isExt4(scratch.url)
        for length in Self.lengths {
            let bytes = Self.randomBytes(length)
            let path = scratch.path("file-\(length)").path
            let outcome = UncachedFileWrite.write(Self.source(bytes, pageAligned: pageAligned), to: path)
            if length < UncachedFileWrite.smallestDirect {
                #expect(outcome == .cached, "\(length) bytes")
            } else if ext4 {
                #expect(outcome == .direct, "\(length) bytes")
            } else {
                #expect(Self.succeeded(outcome), "\(length) bytes: \(outcome)")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes, "\(length) bytes")
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == length)
        }
    }

    @Test("a shorter file written over a longer one leaves only the shorter one's bytes")
    func overwriteTruncates() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("answer.json").path
        #expect(Self.succeeded(UncachedFileWrite.write(Self.randomBytes(3 << 20), to: path)))
        let shorter = Self.randomBytes(100_001)
        #expect(Self.succeeded(UncachedFileWrite.write(shorter, to: path)))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == shorter)
    }

    @Test("a file system that refuses O_DIRECT at open gets the file through the page cache")
    func refusedAtOpen() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("answer.json").path
        let refusing = UncachedFileWrite.Calls(open: { path, flags in
            if flags & UncachedFileWrite.directFlag != 0 {
                errno = EINVAL
                return -1
            }
            return UncachedFileWrite.Calls.system.open(path, flags)
        }, write: UncachedFileWrite.Calls.system.write)
        let bytes = Self.randomBytes(2 << 20 + 7)
        #expect(UncachedFileWrite.write(bytes, to: path, calls: refusing) == .cached)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test("a device that refuses the alignment, at once or after some buffers, or takes part of a block: the page cache takes the rest",
          arguments: [("at once", 0, -1), ("after two buffers", 2 << 20, -1), ("part of a block", 1 << 20, 1000)],
          [true, false])
    func refusedWhileWriting(_ when: (String, Int, Int), pageAligned: Bool) throws {
        let (_, after, partial) = when
        let scratch = try ScratchDirectory()
        let path = scratch.path("answer.json").path
        let calls = Self.device { written, count -> (result: Int, errno: Int32)? in
            guard written >= after else { return nil }
            return partial < 0 ? (-1, EINVAL) : (min(partial, count), 0)
        }
        let bytes = Self.randomBytes(3 << 20 + 12345)
        #expect(UncachedFileWrite.write(Self.source(bytes, pageAligned: pageAligned), to: path, calls: calls) == .cached)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test("a full disk part-way is its errno, whichever way the bytes were going")
    func fullDiskPartWay() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("answer.json").path
        let full = Self.device { written, _ in written >= 1 << 20 ? (-1, ENOSPC) : nil }
        #expect(UncachedFileWrite.write(Self.randomBytes(3 << 20), to: path, calls: full) == .failed(ENOSPC))
    }

    @Test("a file that cannot be created is the errno of the failed call")
    func failureCarriesErrno() throws {
        let scratch = try ScratchDirectory()
        let missing = scratch.path("no-such-directory/answer.json").path
        #expect(UncachedFileWrite.write(Self.randomBytes(1 << 20), to: missing) == .failed(ENOENT))
        #expect(UncachedFileWrite.write(Data("{}".utf8), to: missing) == .failed(ENOENT))
    }
}
