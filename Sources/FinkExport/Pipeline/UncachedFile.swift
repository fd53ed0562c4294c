import Foundation

/// A new file written front to back around the page cache (`O_DIRECT`) where the file system
/// allows it.
///
/// The kept answers are as large as everything the API sent, and the text, VOTable and Parquet
/// outputs about as large again. Copied into the page cache, such files cost the kernel a tenth
/// or more of an export's CPU (on a virtual machine, up to a second of system time per 500 MB
/// when the cache's pages are fresh). Written directly, the device takes the bytes from a 1 MiB
/// aligned buffer, or from the caller's memory when it starts on a block (a received body,
/// ``BodyBuffer``). Files that end under ``smallestDirect`` bytes, file systems that refuse
/// `O_DIRECT` (older tmpfs, some network and FUSE file systems) and devices that want another
/// alignment get the ordinary way, from where the direct way stopped: the bytes are the same
/// either way, and so is every error.
///
/// Used from one thread at a time. Every call after a failure does nothing and keeps the first
/// failure's `errno`; ``close()`` reports it.
package final class UncachedFile {
    /// The alignment of buffer, length and offset that every common device accepts.
    package static let alignment = 4096
    /// The aligned buffer the bytes go through, a few hundred device blocks.
    package static let chunkSize = 1 << 20
    /// A file that ends below this size goes through the page cache: the copy is cheap, and a
    /// direct write would wait for the device.
    package static let smallestDirect = 64 << 10

    /// How a file was written.
    package enum Outcome: Equatable, Sendable {
        /// Every byte went to the device directly.
        case direct
        /// Through the page cache, all or from some point on (small file, or `O_DIRECT` refused).
        case cached
        /// A call failed with this `errno`; the file may be partial, and the caller removes it.
        case failed(Int32)
    }

    /// The two calls whose answers decide the way, replaceable so that tests can play a file
    /// system that refuses `O_DIRECT`; both set `errno` on failure, as the system's do.
    package struct Calls: Sendable {
        /// `open(path, flags, 0o644)`.
        package var open: @Sendable (String, Int32) -> Int32
        /// `write(descriptor, bytes, count)`.
        package var write: @Sendable (Int32, UnsafeRawPointer, Int) -> Int

        package init(open: @escaping @Sendable (String, Int32) -> Int32,
                     write: @escaping @Sendable (Int32, UnsafeRawPointer, Int) -> Int) {
            self.open = open
            self.write = write
        }

        package static let system = Calls(open: { Glibc.open($0, $1, 0o644) }, write: { Glibc.write($0, $1, $2) })
    }

    /// `O_DIRECT`, which Swift's Glibc module leaves out (glibc defines it only with `_GNU_SOURCE`):
    /// the kernel's value for each architecture (`asm/fcntl.h`); elsewhere 0, and files go through
    /// the page cache.
    #if arch(x86_64) || arch(i386)
    package static let directFlag: Int32 = 0o40000
    #elseif arch(arm64) || arch(arm)
    package static let directFlag: Int32 = 0o200000
    #else
    package static let directFlag: Int32 = 0
    #endif

    private let descriptor: Int32
    private let calls: Calls
    /// Whether the descriptor is still in `O_DIRECT` mode.
    private var direct: Bool
    /// Whether some bytes went the ordinary way (the outcome is then `.cached`).
    private var cachedSome = false
    /// Bytes in the file so far; while direct, a multiple of ``alignment``.
    private var written = 0
    /// The aligned buffer, allocated on the first bytes that do not go from the caller's memory.
    private var chunk: UnsafeMutableRawPointer?
    /// Bytes waiting in `chunk`.
    private var pending = 0
    /// The `errno` of the first failed call, 0 while none has failed.
    private var failureCode: Int32 = 0
    private var closed = false

    /// The `errno` of the first call that failed, if one has.
    package var failure: Int32? { failureCode != 0 ? failureCode : nil }

    /// Creates (or truncates) the file at `path`, mode 0644.
    ///
    /// - Throws: the `errno` of the failed `open`, as a `POSIXErrorCode` raw value in ``OpenFailure``.
    package init(path: String, calls: Calls = .system) throws(OpenFailure) {
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
        var direct = Self.directFlag != 0
        var descriptor = calls.open(path, flags | (direct ? Self.directFlag : 0))
        if descriptor < 0 {
            guard direct, errno == EINVAL else { throw OpenFailure(errno: errno) }
            direct = false
            descriptor = calls.open(path, flags)
            guard descriptor >= 0 else { throw OpenFailure(errno: errno) }
        }
        self.descriptor = descriptor
        self.calls = calls
        self.direct = direct
    }

    /// The `errno` of an `open` that failed.
    package struct OpenFailure: Error, Equatable {
        package let errno: Int32

        package init(errno: Int32) {
            self.errno = errno
        }
    }

    deinit {
        if !closed { Glibc.close(descriptor) }
        chunk?.deallocate()
    }

    /// Appends `count` bytes from `base`.
    package func append(_ base: UnsafeRawPointer, count: Int) {
        guard failureCode == 0, count > 0 else { return }
        guard direct else {
            writeCached(base, count: count)
            return
        }
        var offset = 0
        // A large source on a block boundary, with nothing waiting, goes to the device as it lies.
        if pending == 0, count >= Self.smallestDirect, Int(bitPattern: base) % Self.alignment == 0 {
            while direct, count - offset >= Self.alignment {
                let length = min(Self.chunkSize, (count - offset) / Self.alignment * Self.alignment)
                guard writeDirect(base + offset, length: length) else {
                    if failureCode == 0 { writeCached(base + offset, count: count - offset) }
                    return
                }
                offset += length
            }
        }
        while offset < count {
            guard direct else {
                writeCached(base + offset, count: count - offset)
                return
            }
            let buffer = chunk ?? allocateChunk()
            let length = min(Self.chunkSize - pending, count - offset)
            (buffer + pending).copyMemory(from: base + offset, byteCount: length)
            pending += length
            offset += length
            if pending == Self.chunkSize { flushChunk(final: false) }
            if failureCode != 0 { return }
        }
    }

    /// Writes what waits, cuts the file to its length and closes it.
    package func close() -> Outcome {
        guard !closed else { return failureCode != 0 ? .failed(failureCode) : direct && !cachedSome ? .direct : .cached }
        if failureCode == 0, direct, written == 0, pending < Self.smallestDirect {
            // A small file: the ordinary way is cheaper than waiting for the device.
            leaveDirect()
            if let chunk, failureCode == 0 { writeCached(chunk, count: pending) }
            cachedSome = true
            pending = 0
        } else if failureCode == 0, pending > 0 {
            flushChunk(final: true)
        }
        closed = true
        if Glibc.close(descriptor) != 0, failureCode == 0 { failureCode = errno }
        chunk?.deallocate()
        chunk = nil
        if failureCode != 0 { return .failed(failureCode) }
        return direct && !cachedSome ? .direct : .cached
    }

    /// Closes the file without writing what waits (after a failure elsewhere; the caller removes it).
    package func abandon() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }

    /// Writes `data` to a new file at `path` (created with mode 0644, or truncated).
    package static func write(_ data: Data, to path: String, calls: Calls = .system) -> Outcome {
        let file: UncachedFile
        do { file = try UncachedFile(path: path, calls: calls) } catch { return .failed(error.errno) }
        data.withUnsafeBytes { raw in
            if let base = raw.baseAddress { file.append(base, count: raw.count) }
        }
        return file.close()
    }

    private func allocateChunk() -> UnsafeMutableRawPointer {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.chunkSize, alignment: Self.alignment)
        chunk = buffer
        return buffer
    }

    /// Writes the waiting bytes: whole blocks directly, the last one padded with zeros when
    /// `final` (the file is then cut to its length); the ordinary way if the device refuses.
    private func flushChunk(final: Bool) {
        guard let buffer = chunk, pending > 0 else { return }
        let padded = (pending + Self.alignment - 1) / Self.alignment * Self.alignment
        precondition(final || padded == pending, "only the last write may end inside a block")
        if padded > pending {
            (buffer + pending).initializeMemory(as: UInt8.self, repeating: 0, count: padded - pending)
        }
        let length = pending
        pending = 0
        if writeDirect(UnsafeRawPointer(buffer), length: padded) {
            written += length - padded // the padding is not the file's
            if padded > length, ftruncate(descriptor, off_t(written)) != 0 { failureCode = errno }
        } else if failureCode == 0 {
            writeCached(UnsafeRawPointer(buffer), count: length)
        }
    }

    /// Writes `length` bytes, whole blocks, from the block-aligned `start`, at `written`.
    ///
    /// - Returns: whether all went. When not, either `failureCode` is set, or the rest cannot go
    ///   directly (`EINVAL`, or part of a block written): the descriptor has then left `O_DIRECT`
    ///   and the file is cut back to `written`, for the caller to write these bytes again.
    private func writeDirect(_ start: UnsafeRawPointer, length: Int) -> Bool {
        var done = 0
        while done < length {
            let result = calls.write(descriptor, start + done, length - done)
            if result < 0 {
                if errno == EINTR { continue }
                if errno != EINVAL {
                    failureCode = errno
                    return false
                }
                break
            }
            if result % Self.alignment != 0 { break }
            done += result
        }
        if done == length {
            written += length
            return true
        }
        leaveDirect()
        if failureCode == 0, ftruncate(descriptor, off_t(written)) != 0 || lseek(descriptor, off_t(written), SEEK_SET) != off_t(written) {
            failureCode = errno
        }
        return false
    }

    /// Takes the descriptor out of `O_DIRECT` mode.
    private func leaveDirect() {
        direct = false
        if fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~Self.directFlag) != 0 { failureCode = errno }
    }

    private func writeCached(_ base: UnsafeRawPointer, count: Int) {
        cachedSome = true
        var offset = 0
        while offset < count {
            let result = calls.write(descriptor, base + offset, count - offset)
            if result < 0 {
                if errno == EINTR { continue }
                failureCode = errno
                return
            }
            offset += result
        }
        written += count
    }
}
