import Foundation

/// Writes a whole file around the page cache (`O_DIRECT`) where the file system allows it.
///
/// The kept answers are as large as everything the API sent, and are read again only by a
/// resumed export. Copied into the page cache, they cost the kernel a tenth or more of an
/// export's CPU (on a virtual machine, up to a second of system time per 500 MB when the cache's
/// pages are fresh); written directly, the device takes them from the received body itself when
/// it starts on a block (``BodyBuffer``), else through a small aligned buffer. Where `O_DIRECT`
/// is refused (older tmpfs, some network and FUSE file systems) or the device wants another
/// alignment, the file is written the ordinary way: the bytes are the same either way.
enum UncachedFileWrite {
    /// The alignment of buffer, length and offset that every common device accepts.
    static let alignment = 4096
    /// The aligned buffer the bytes go through, a few hundred device blocks.
    static let chunkSize = 1 << 20
    /// Below this size a file goes through the page cache: the copy is cheap, and a direct write
    /// would wait for the device.
    static let smallestDirect = 64 << 10

    /// How a file was written.
    enum Outcome: Equatable {
        /// Every byte went to the device directly.
        case direct
        /// Through the page cache, all or from some point on (small file, or `O_DIRECT` refused).
        case cached
        /// A call failed with this `errno`; the file may be partial, and the caller removes it.
        case failed(Int32)
    }

    /// The two calls whose answers decide the way, replaceable so that tests can play a file
    /// system that refuses `O_DIRECT`; both set `errno` on failure, as the system's do.
    struct Calls: Sendable {
        /// `open(path, flags, 0o644)`.
        var open: @Sendable (String, Int32) -> Int32
        /// `write(descriptor, bytes, count)`.
        var write: @Sendable (Int32, UnsafeRawPointer, Int) -> Int

        static let system = Calls(open: { Glibc.open($0, $1, 0o644) }, write: { Glibc.write($0, $1, $2) })
    }

    /// `O_DIRECT`, which Swift's Glibc module leaves out (glibc defines it only with `_GNU_SOURCE`):
    /// the kernel's value for each architecture (`asm/fcntl.h`); elsewhere 0, and files go through
    /// the page cache.
    #if arch(x86_64) || arch(i386)
    static let directFlag: Int32 = 0o40000
    #elseif arch(arm64) || arch(arm)
    static let directFlag: Int32 = 0o200000
    #else
    static let directFlag: Int32 = 0
    #endif

    /// Writes `data` to a new file at `path` (created with mode 0644, or truncated).
    static func write(_ data: Data, to path: String, calls: Calls = .system) -> Outcome {
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
        var direct = directFlag != 0 && data.count >= smallestDirect
        var descriptor = calls.open(path, flags | (direct ? directFlag : 0))
        if descriptor < 0 {
            guard direct, errno == EINVAL else { return .failed(errno) }
            direct = false
            descriptor = calls.open(path, flags)
            guard descriptor >= 0 else { return .failed(errno) }
        }
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return }
            var offset = 0
            if direct {
                offset = writeDirect(base, count: raw.count, to: descriptor, calls: calls, failure: &failure)
                direct = offset == raw.count
                if failure != 0 { return }
                if !direct {
                    // The device refused this alignment or took part of a block: the page cache takes the rest.
                    guard fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~directFlag) == 0,
                          ftruncate(descriptor, off_t(offset)) == 0,
                          lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset) else {
                        failure = errno
                        return
                    }
                }
            }
            while offset < raw.count {
                let count = calls.write(descriptor, base + offset, raw.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += count
            }
        }
        if close(descriptor) != 0, failure == 0 { failure = errno }
        return failure != 0 ? .failed(failure) : direct ? .direct : .cached
    }

    /// Writes `count` bytes from `base`, the last block padded with zeros and the file then cut to
    /// `count`. A source on a block boundary (a received body is allocated so) goes to the device
    /// as it is, but for its ragged end; any other goes through an aligned buffer.
    ///
    /// - Returns: how many bytes are in the file when it stops: `count` when all went directly; fewer,
    ///   with `failure` left 0, when the device refused this alignment (`EINVAL`) or wrote part of a
    ///   block, so the caller can finish without `O_DIRECT`; `failure` set on any other error.
    private static func writeDirect(_ base: UnsafeRawPointer, count: Int, to descriptor: Int32, calls: Calls,
                                    failure: inout Int32) -> Int {
        let sourceAligned = Int(bitPattern: base) % alignment == 0
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: sourceAligned ? alignment : chunkSize,
                                                      alignment: alignment)
        defer { buffer.deallocate() }
        var offset = 0
        while offset < count {
            var length = min(chunkSize, count - offset)
            let source: UnsafeRawPointer
            if sourceAligned, length >= alignment {
                length = length / alignment * alignment
                source = base + offset
            } else {
                buffer.copyMemory(from: base + offset, byteCount: length)
                source = UnsafeRawPointer(buffer)
            }
            let padded = (length + alignment - 1) / alignment * alignment
            if padded > length {
                buffer.advanced(by: length).initializeMemory(as: UInt8.self, repeating: 0, count: padded - length)
            }
            guard writeBlocks(source, length: padded, to: descriptor, calls: calls, failure: &failure) else {
                return offset
            }
            offset += length
        }
        if count % alignment != 0, ftruncate(descriptor, off_t(count)) != 0 {
            failure = errno
        }
        return count
    }

    /// Writes `length` bytes, whole blocks, from the block-aligned `start`.
    ///
    /// - Returns: whether all went; when not, `failure` is set, or left 0 if the rest cannot go
    ///   directly (`EINVAL`, or part of a block written).
    private static func writeBlocks(_ start: UnsafeRawPointer, length: Int, to descriptor: Int32, calls: Calls,
                                    failure: inout Int32) -> Bool {
        var written = 0
        while written < length {
            let result = calls.write(descriptor, start + written, length - written)
            if result < 0 {
                if errno == EINTR { continue }
                if errno != EINVAL { failure = errno }
                return false
            }
            if result % alignment != 0 { return false }
            written += result
        }
        return true
    }
}

