import CCurl
import Foundation

/// What libcurl's callbacks collect of one response: the headers of the last response in a
/// redirect chain, and the body in one buffer allocated at the announced length.
///
/// The body buffer becomes the response's `Data` without a copy; it grows (doubling) only when
/// the length was not announced or the body is encoded.
final class CurlExchange {
    private(set) var headers: [String: String] = [:]
    /// The `Content-Length` of the current response, if it announced one.
    private(set) var announcedLength: Int?
    private(set) var receivedLength = 0
    private(set) var allocationFailed = false
    /// When a byte last arrived (or the exchange began), in `DispatchTime` nanoseconds.
    private(set) var lastActivity = DispatchTime.now().uptimeNanoseconds
    /// libcurl's message about a failure (`CURLOPT_ERRORBUFFER`).
    let errorText: UnsafeMutablePointer<CChar>

    private var body: BodyBuffer?
    /// Where a large body's memory comes from.
    private let bodies: BodyMappingPool
    // Announced lengths above this are not trusted for the first allocation; the body then grows.
    private static let largestReservation = 1 << 30
    private static let smallestBuffer = 1 << 16

    init(bodies: BodyMappingPool) {
        self.bodies = bodies
        errorText = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorText.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        errorText.deallocate()
    }

    var errorMessage: String? {
        let text = String(cString: errorText)
        return text.isEmpty ? nil : text
    }

    /// The body received, handed over: the exchange keeps nothing of it.
    func takeBody() -> Data {
        guard receivedLength > 0, let taken = body else { return Data() }
        body = nil
        return taken.take(count: receivedLength)
    }

    /// `CURLOPT_WRITEFUNCTION`: returns `count` to go on, anything else to fail the transfer.
    func receiveBody(_ bytes: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        lastActivity = DispatchTime.now().uptimeNanoseconds
        let capacity = body?.capacity ?? 0
        if receivedLength + count > capacity {
            var wanted = max(capacity * 2, receivedLength + count, Self.smallestBuffer)
            if capacity == 0, let announcedLength, announcedLength <= Self.largestReservation {
                wanted = max(announcedLength, receivedLength + count)
            }
            if let body {
                allocationFailed = !body.grow(to: wanted, keeping: receivedLength)
            } else {
                body = BodyBuffer(capacity: wanted, pool: bodies)
                allocationFailed = body == nil
            }
            if allocationFailed { return 0 }
        }
        body!.start.advanced(by: receivedLength).copyMemory(from: bytes, byteCount: count)
        receivedLength += count
        return count
    }

    /// `CURLOPT_HEADERFUNCTION`: one header line, CRLF included. A status line starts a new
    /// response (a redirect's target, or the answer after a `100 Continue`).
    func receiveHeaderLine(_ bytes: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        lastActivity = DispatchTime.now().uptimeNanoseconds
        let line = String(decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers = [:]
            announcedLength = nil
            receivedLength = 0
            return count
        }
        guard let colon = line.firstIndex(of: ":") else { return count }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        // Repeated fields join with a comma (RFC 9110, 5.3), as URLSession reports them.
        headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        if name == "content-length" { announcedLength = Int(value) }
        return count
    }
}
