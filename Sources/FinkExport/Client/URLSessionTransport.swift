import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Real HTTP(S) through `URLSession` (libcurl on Linux).
///
/// Bodies are received whole: the export bounds their size through the objects batch size
/// and the number of requests in flight.
public final class URLSessionTransport: Transport {
    private let session: URLSession

    /// Creates a transport with its own session.
    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpMaximumConnectionsPerHost = 16
        session = URLSession(configuration: configuration)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// Sends `request` over the network.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, timeoutInterval: request.timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if !request.body.isEmpty { urlRequest.httpBody = request.body }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await Self.load(urlRequest, in: session)
        } catch let error as URLError {
            if error.code == .timedOut { throw TransportError.timedOut(seconds: request.timeout) }
            if error.code == .cancelled { throw CancellationError() }
            throw TransportError.connection(error.localizedDescription.isEmpty ? "\(error.code)" : "\(error.localizedDescription) (\(error.code.rawValue))")
        }
        guard let http = response as? HTTPURLResponse else {
            throw TransportError.connection("the answer was not HTTP")
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            headers["\(name)".lowercased()] = "\(value)"
        }
        // libcurl may hand over a short body when the peer closes early; check the length.
        if let announced = headers["content-length"].flatMap(Int.init), announced != data.count,
           headers["content-encoding"] == nil {
            throw TransportError.truncatedBody(received: data.count, expected: announced)
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: data)
    }

    /// `session.data(for:)`, with a cancellation that cannot deadlock.
    ///
    /// FoundationNetworking's own `data(for:)` cancels its task synchronously inside the
    /// cancellation handler, which holds the Swift task's status lock while `cancel()` waits for
    /// the session's queue; if that queue is just then resuming the same task (the answer
    /// arrived), neither proceeds. Seen as a hung Ctrl-C; here the cancel runs elsewhere.
    private static func load(_ request: URLRequest, in session: URLSession) async throws -> (Data, URLResponse) {
        let pending = PendingDataTask()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let response {
                        continuation.resume(returning: (data ?? Data(), response))
                    } else {
                        continuation.resume(throwing: URLError(.badServerResponse))
                    }
                }
                pending.start(task)
            }
        } onCancel: {
            DispatchQueue.global().async { pending.cancel() }
        }
    }
}

/// A data task that may be cancelled before it has been created or started.
private final class PendingDataTask: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false

    func start(_ task: URLSessionDataTask) {
        let cancelNow = lock.withLock { () -> Bool in
            self.task = task
            return cancelled
        }
        task.resume()
        if cancelNow { DispatchQueue.global().async { task.cancel() } }
    }

    func cancel() {
        let task = lock.withLock { () -> URLSessionDataTask? in
            cancelled = true
            return self.task
        }
        task?.cancel()
    }
}
