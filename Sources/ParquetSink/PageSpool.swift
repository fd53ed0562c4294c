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

    /// Creates the spool file in `directory` (the writer's scratch directory).
    init(directory: URL, displayPath: String) throws {
        self.displayPath = displayPath
        descriptor = open(directory.appendingPathComponent("pages").path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.failure(displayPath, "creating its scratch file of pages") }
    }

    deinit {
        close()
    }

    /// Appends `bytes` as one page. Safe from several threads at once (the writer's column
    /// lanes): each page's place is reserved under a lock, then written outside it.
    func append(_ bytes: [UInt8]) throws -> Page {
        let page = endLock.withLock {
            defer { end += Int64(bytes.count) }
            return Page(offset: end, length: bytes.count)
        }
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let written = pwrite(descriptor, raw.baseAddress! + done, raw.count - done, off_t(page.offset) + off_t(done))
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw Self.failure(displayPath, "keeping a page in its scratch file") }
                done += written
            }
        }
        return page
    }

    /// The bytes of `page`.
    func read(_ page: Page) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: page.length) { raw, count in
            var done = 0
            while done < page.length {
                let read = pread(descriptor, raw.baseAddress! + done, page.length - done, off_t(page.offset) + off_t(done))
                if read < 0 && errno == EINTR { continue }
                guard read > 0 else {
                    throw read == 0 ? SinkError.write(path: displayPath, action: "reading back a page", reason: "its scratch file was cut short")
                        : Self.failure(displayPath, "reading back a page")
                }
                done += read
            }
            count = page.length
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
