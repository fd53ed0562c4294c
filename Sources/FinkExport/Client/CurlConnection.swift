import CCurl
import Foundation

/// A libcurl easy handle driven through its own multi handle: one request at a time, its
/// connection kept open for the next request the pool hands it.
///
/// The multi interface (rather than `curl_easy_perform`) lets the calling thread wake at least
/// every ``pollInterval`` to honour a cancellation and the idle timeout, however quiet the peer.
final class CurlConnection {
    private let easy: UnsafeMutableRawPointer
    private let multi: UnsafeMutableRawPointer

    private static let pollInterval: Int32 = 100  // milliseconds
    /// libcurl's receive buffer. Its default, 16 KiB, took an answer of 20 MB in over a thousand
    /// reads, each a `recv`, a callback and a turn of the poll loop.
    private static let receiveBufferSize = 512 << 10
    private static let initialized: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// A new connection; throws when libcurl cannot be started.
    init() throws {
        guard Self.initialized == CURLE_OK else { throw TransportError.connection(Self.describe(Self.initialized)) }
        guard let easy = curl_easy_init() else { throw TransportError.connection("libcurl could not create a handle") }
        guard let multi = curl_multi_init() else {
            curl_easy_cleanup(easy)
            throw TransportError.connection("libcurl could not create a handle")
        }
        self.easy = easy
        self.multi = multi
    }

    deinit {
        curl_multi_cleanup(multi)
        curl_easy_cleanup(easy)
    }

    /// Sends `request` and waits for its whole response, on the calling thread; a large body
    /// goes into memory from `bodies`.
    ///
    /// Throws ``TransportError`` when no complete response arrived, `CancellationError` once
    /// `cancellation` is raised. The timeout counts from the start and again from each byte
    /// received, as URLSession's does: a slow but steady answer is not cut off.
    func perform(_ request: HTTPRequest, bodies: BodyMappingPool, cancellation: CancellationFlag) throws -> HTTPResponse {
        let exchange = CurlExchange(bodies: bodies)
        // libcurl holds pointers into the exchange (callback context, error buffer) until the
        // handle leaves the multi handle, in the deferred removal below.
        return try withExtendedLifetime(exchange) {
            curl_easy_reset(easy)
            var headerList: UnsafeMutablePointer<curl_slist>?
            defer { curl_slist_free_all(headerList) }
            try configure(request, exchange: exchange, headerList: &headerList)

            try check(curl_multi_add_handle(multi, easy))
            defer { curl_multi_remove_handle(multi, easy) }
            let timeoutNanoseconds = UInt64(request.timeout * 1e9)
            var running: Int32 = 1
            while true {
                try check(curl_multi_perform(multi, &running))
                if running == 0 { break }
                if cancellation.isRaised { throw CancellationError() }
                let idle = DispatchTime.now().uptimeNanoseconds &- exchange.lastActivity
                if idle >= timeoutNanoseconds { throw TransportError.timedOut(seconds: request.timeout) }
                let left = Int32(min(UInt64(Self.pollInterval), (timeoutNanoseconds - idle) / 1_000_000 + 1))
                try check(curl_multi_poll(multi, nil, 0, left, nil))
            }
            var result = CURLE_OK
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                if message.pointee.msg == CURLMSG_DONE { result = message.pointee.data.result }
            }
            return try response(of: request, exchange: exchange, result: result)
        }
    }

    private func configure(_ request: HTTPRequest, exchange: CurlExchange,
                           headerList: inout UnsafeMutablePointer<curl_slist>?) throws {
        try set(CURLOPT_URL, request.url.absoluteString)
        try set(CURLOPT_NOSIGNAL, 1)  // no SIGALRM from name resolution: other threads are running
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_FOLLOWLOCATION, 1)
        try set(CURLOPT_MAXREDIRS, 10)
        try set(CURLOPT_ACCEPT_ENCODING, "")  // every encoding this libcurl decodes
        try set(CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(request.timeout * 1000)))
        try set(CURLOPT_BUFFERSIZE, Self.receiveBufferSize)
        try check(ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, exchange.errorText))

        // "Expect:" keeps libcurl from waiting for a 100-continue before sending a large body.
        for line in request.headers.map({ "\($0.key): \($0.value)" }) + ["Expect:"] {
            guard let appended = curl_slist_append(headerList, line) else {
                throw TransportError.connection("libcurl could not hold the request headers")
            }
            headerList = appended
        }
        try check(ccurl_setopt_pointer(easy, CURLOPT_HTTPHEADER, headerList))

        switch request.method {
        case "GET":
            try set(CURLOPT_HTTPGET, 1)
        case "POST":
            try check(ccurl_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            // libcurl copies the body, so it need not outlive this call.
            if request.body.isEmpty {
                try set(CURLOPT_COPYPOSTFIELDS, "")
            } else {
                try request.body.withUnsafeBytes { try check(ccurl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, $0.baseAddress)) }
            }
        default:
            try set(CURLOPT_CUSTOMREQUEST, request.method)
        }

        let context = Unmanaged.passUnretained(exchange).toOpaque()
        try check(ccurl_setopt_callback(easy, CURLOPT_WRITEFUNCTION) { bytes, size, count, context in
            Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue().receiveBody(bytes!, size * count)
        })
        try check(ccurl_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        try check(ccurl_setopt_callback(easy, CURLOPT_HEADERFUNCTION) { bytes, size, count, context in
            Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue().receiveHeaderLine(bytes!, size * count)
        })
        try check(ccurl_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
    }

    private func response(of request: HTTPRequest, exchange: CurlExchange, result: CURLcode) throws -> HTTPResponse {
        switch result {
        case CURLE_OK:
            var status = 0
            try check(ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status))
            return HTTPResponse(status: status, headers: exchange.headers, body: exchange.takeBody())
        case CURLE_OPERATION_TIMEDOUT:
            throw TransportError.timedOut(seconds: request.timeout)
        case CURLE_PARTIAL_FILE where exchange.announcedLength != nil:
            throw TransportError.truncatedBody(received: exchange.receivedLength, expected: exchange.announcedLength!)
        case CURLE_WRITE_ERROR where exchange.allocationFailed:
            throw TransportError.connection("no memory for a response body of \(exchange.receivedLength) bytes or more")
        default:
            throw TransportError.connection(exchange.errorMessage.map { "\($0) (libcurl code \(result.rawValue))" }
                                            ?? Self.describe(result))
        }
    }

    private func set(_ option: CURLoption, _ value: Int) throws {
        try check(ccurl_setopt_long(easy, option, value))
    }

    private func set(_ option: CURLoption, _ value: String) throws {
        // libcurl copies string options.
        try value.withCString { try check(ccurl_setopt_pointer(easy, option, $0)) }
    }

    private func check(_ code: CURLcode) throws {
        guard code == CURLE_OK else { throw TransportError.connection(Self.describe(code)) }
    }

    private func check(_ code: CURLMcode) throws {
        guard code == CURLM_OK else {
            throw TransportError.connection("\(String(cString: curl_multi_strerror(code))) (libcurl multi code \(code.rawValue))")
        }
    }

    private static func describe(_ code: CURLcode) -> String {
        "\(String(cString: curl_easy_strerror(code))) (libcurl code \(code.rawValue))"
    }
}

/// Raised once, read from another thread: the Swift task's cancellation, seen by a transfer.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    func raise() { lock.withLock { raised = true } }

    var isRaised: Bool { lock.withLock { raised } }
}
