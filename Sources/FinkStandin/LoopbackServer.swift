import FinkExport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on a local address, one thread per connection, that answers with a
/// handler and can inject faults byte by byte (which a full server framework would hide).
public final class LoopbackServer: @unchecked Sendable {
    private let host: String
    private let requestedPort: UInt16
    private let faults: FaultPlan
    private let handler: @Sendable (HTTPRequest) -> ServedResponse
    private var listener: Int32 = -1
    private let lock = NSLock()
    private var requests: UInt64 = 0
    private var stopped = false

    /// The port bound, once started.
    public private(set) var port: UInt16 = 0

    /// Creates a server whose handler may answer with files; port 0 picks a free one.
    public init(host: String = "127.0.0.1", port: UInt16 = 0, faults: FaultPlan = FaultPlan(),
                serving handler: @escaping @Sendable (HTTPRequest) -> ServedResponse) {
        self.host = host
        self.requestedPort = port
        self.faults = faults
        self.handler = handler
    }

    /// Creates a server whose handler answers from memory; port 0 picks a free one.
    public convenience init(host: String = "127.0.0.1", port: UInt16 = 0, faults: FaultPlan = FaultPlan(),
                            handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.init(host: host, port: port, faults: faults, serving: { ServedResponse(handler($0)) })
    }

    /// Binds, listens and starts accepting; returns the bound port.
    @discardableResult
    public func start() throws -> UInt16 {
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw LoopbackServerError(description: "socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = requestedPort.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            Glibc.close(listener)
            throw LoopbackServerError(description: "\(host) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(listener)
            throw LoopbackServerError(description: "cannot listen on \(host):\(requestedPort): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: actual.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.stackSize = 1 << 20
        thread.start()
        return port
    }

    /// Stops accepting connections.
    public func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            if lock.withLock({ stopped }) {
                Glibc.close(connection)
                return
            }
            let index = lock.withLock { () -> UInt64 in
                requests += 1
                return requests
            }
            let thread = Thread { [self] in serve(connection, index: index) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func serve(_ connection: Int32, index: UInt64) {
        defer { Glibc.close(connection) }
        guard let request = readRequest(connection) else { return }
        let (fault, slow) = faults.decide(request: index)
        if slow { Thread.sleep(forTimeInterval: faults.slowSeconds) }
        let response: ServedResponse
        switch fault {
        case .drop:
            return
        case .serverError(let retryAfter):
            var page = HTTPResponse(status: 503, headers: ["Content-Type": "text/html; charset=utf-8"],
                                    body: Data("<html><body><h1>503 Service Unavailable</h1></body></html>".utf8))
            if retryAfter { page.headers["retry-after"] = "0" }
            response = ServedResponse(page)
        case .none, .cutBody:
            response = handler(request)
        }
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for (name, value) in response.headers where name != "content-length" && name != "connection" {
            head += "\(name): \(value)\r\n"
        }
        head += "Access-Control-Allow-Origin: *\r\nContent-Length: \(response.bodyLength)\r\nConnection: close\r\n\r\n"
        guard sendAll(connection, Data(head.utf8)) else { return }
        // A cut body stops halfway, the promised length unmet.
        let sent = fault == .cutBody ? response.bodyLength / 2 : response.bodyLength
        switch response.body {
        case .memory(let body): _ = sendAll(connection, body.prefix(sent))
        case .file(let file): _ = file.send(to: connection, count: sent)
        }
    }

    private func readRequest(_ connection: Int32) -> HTTPRequest? {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            received.append(contentsOf: buffer[0 ..< count])
            headerEnd = received.range(of: Data("\r\n\r\n".utf8))
            if received.count > 1 << 20 && headerEnd == nil { return nil }
        }
        let head = String(decoding: received[..<headerEnd!.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(received[headerEnd!.upperBound...])
        let length = headers["content-length"].flatMap(Int.init) ?? 0
        while body.count < length {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            body.append(contentsOf: buffer[0 ..< count])
        }
        guard let url = URL(string: "http://\(host):\(port)\(requestLine[1])") else { return nil }
        return HTTPRequest(method: String(requestLine[0]), url: url, headers: headers, body: body)
    }

    private func sendAll(_ connection: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(connection, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += sent
            }
            return true
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "BAD REQUEST"
        case 404: return "NOT FOUND"
        case 405: return "METHOD NOT ALLOWED"
        case 415: return "UNSUPPORTED MEDIA TYPE"
        case 500: return "INTERNAL SERVER ERROR"
        case 503: return "SERVICE UNAVAILABLE"
        default: return "STATUS"
        }
    }
}

/// The server could not start.
public struct LoopbackServerError: Error, CustomStringConvertible {
    /// One line for the user.
    public let description: String
}
