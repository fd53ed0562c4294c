import FinkExport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A response as the loopback server sends it: the status and headers, and a body held in
/// memory or in a file.
///
/// A file body is sent by the kernel (`sendfile`), from the page cache to the socket. The
/// stand-in shares the machine with the exporter it serves, which a real API server does
/// not: copying each cached answer out of a mapping into the socket took 0.13–0.16 core-s
/// of the two cores per 100k-alert export, against 0.08–0.09 sent from the file.
public struct ServedResponse: Sendable {
    /// Where the body's bytes are.
    public enum Body: Sendable {
        case memory(Data)
        case file(OpenAnswerFile)
    }

    /// The status code.
    public var status: Int
    /// Header fields, names lower-cased (the server adds its own length and connection).
    public var headers: [String: String]
    /// The body.
    public var body: Body

    /// A response whose body is in memory.
    public init(_ response: HTTPResponse) {
        status = response.status
        headers = response.headers
        body = .memory(response.body)
    }

    /// A 200 whose body is a whole file.
    public init(contentType: String, file: OpenAnswerFile) {
        status = 200
        headers = ["content-type": contentType]
        body = .file(file)
    }

    /// The body's length in bytes.
    public var bodyLength: Int {
        switch body {
        case .memory(let data): data.count
        case .file(let file): file.length
        }
    }
}

/// A file opened for reading, with its length; closed when the last reference goes.
public final class OpenAnswerFile: Sendable {
    let descriptor: Int32
    /// The file's length in bytes when it was opened.
    public let length: Int

    /// Opens `path`; nil when it cannot be opened or is not a regular file.
    public init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        length = Int(status.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Sends the first `count` bytes to `socket`; false when the connection fails or the
    /// file turns out shorter.
    func send(to socket: Int32, count: Int) -> Bool {
        var offset: off_t = 0
        while Int(offset) < count {
            let sent = sendfile(socket, descriptor, &offset, count - Int(offset))
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            if sent == 0 { return false }
        }
        return true
    }
}
