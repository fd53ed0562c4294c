import FinkExport
import Foundation

/// The compressed pages of the row group being built, kept in a scratch file rather than in
/// memory, so a row group's size does not count in the process's memory (the kernel's page
/// cache holds them). Pages are appended as they close and read back, column after column,
/// when the row group is written; then the file starts over.
final class PageSpool {
    /// Where one page is in the spool.
    struct Page {
        let offset: Int64
        let length: Int
    }

    private let descriptor: Int32
    /// The final output's path, which errors name.
    private let displayPath: String
    private var end: Int64 = 0
    private let endLock = NSLock()
    private var closed = false
    /// Where ``withBytes(of:_:)`` reads pages back, grown to the largest page.
    private var readBuffer: [UInt8] = []

    /// Creates the spool file in `directory` (the writer's scratch directory).
    init(directory: URL, displayPath: String) throws {
        self.displayPath = displayPath
        descriptor = open(directory.appendingPathComponent("pages").path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.failure(displayPath, "creating its scratch file of pages") }
    }

    deinit {
        close()
    }

    /// Appends one page, its header and then its stored bytes. Safe from several threads at once
    /// (the writer's column lanes): each page's place is reserved under a lock, then written
    /// outside it.
    func append(header: [UInt8], stored: UnsafeRawBufferPointer) throws -> Page {
        let length = header.count + stored.count
        let page = endLock.withLock {
            defer { end += Int64(length) }
            return Page(offset: end, length: length)
        }
        try header.withUnsafeBytes { try write($0, at: page.offset) }
        try write(stored, at: page.offset + Int64(header.count))
        return page
    }

    private func write(_ raw: UnsafeRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < raw.count {
            let written = pwrite(descriptor, raw.baseAddress! + done, raw.count - done, off_t(offset) + off_t(done))
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw Self.failure(displayPath, "keeping a page in its scratch file") }
            done += written
        }
    }

    /// Calls `body` with the bytes of `page`, read into a buffer the spool keeps for reading
    /// back (pages are read back one at a time, on the thread that writes the row group out).
    func withBytes<R>(of page: Page, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        if readBuffer.count < page.length { readBuffer = [UInt8](repeating: 0, count: page.length) }
        return try readBuffer.withUnsafeMutableBytes { buffer in
            var done = 0
            while done < page.length {
                let read = pread(descriptor, buffer.baseAddress! + done, page.length - done, off_t(page.offset) + off_t(done))
                if read < 0 && errno == EINTR { continue }
                guard read > 0 else {
                    throw read == 0 ? SinkError.write(path: displayPath, action: "reading back a page", reason: "its scratch file was cut short")
                        : Self.failure(displayPath, "reading back a page")
                }
                done += read
            }
            return try body(UnsafeRawBufferPointer(rebasing: buffer[0 ..< page.length]))
        }
    }

    /// Empties the spool once its pages are in the output.
    func reset() throws {
        guard ftruncate(descriptor, 0) == 0 else { throw Self.failure(displayPath, "emptying its scratch file of pages") }
        end = 0
    }

    /// Closes the file (the scratch directory is removed with it by the caller).
    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }

    private static func failure(_ path: String, _ action: String) -> SinkError {
        SinkError.write(path: path, action: action, reason: String(cString: strerror(errno)))
    }
}
