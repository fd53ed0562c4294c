import Foundation

/// A request the client made, as provenance records it.
public struct RequestRecord: Sendable, Equatable, Codable {
    /// `POST`, or `GET` for the schema.
    public var method: String
    /// The full URL.
    public var url: String
    /// The JSON body sent.
    public var body: String
}

/// A successful answer: the body and how it was obtained.
public struct FetchedBody: Sendable {
    /// The request that produced it.
    public var request: RequestRecord
    /// The response body.
    public var body: Data
    /// How many tries it took.
    public var attempts: Int

    package init(request: RequestRecord, body: Data, attempts: Int) {
        (self.request, self.body, self.attempts) = (request, body, attempts)
    }
}

/// The two-step Fink client: the anomaly endpoint for the alerts, then the objects endpoint
/// for every alert of their objects.
public struct FinkClient: Sendable {
    /// The public Fink ZTF API.
    public static let defaultBaseURL = URL(string: "https://api.ztf.fink-portal.org")!
    /// The most rows the objects endpoint returns for one object id.
    public static let defaultObjectRowLimit = 10_000

    /// The API's base URL.
    public var baseURL: URL
    /// How requests travel.
    public var transport: any Transport
    /// When to retry.
    public var retryPolicy: RetryPolicy
    /// Seconds allowed for one request.
    public var timeout: TimeInterval
    /// Rows per object at which an object's light curve may have been cut by the server.
    public var objectRowLimit: Int
    /// Called before each retry with the request label, the attempt and the reason.
    public var onRetry: (@Sendable (String, Int, String) -> Void)?

    /// Creates a client.
    public init(baseURL: URL = defaultBaseURL, transport: any Transport, retryPolicy: RetryPolicy = RetryPolicy(),
                timeout: TimeInterval = 300, objectRowLimit: Int = defaultObjectRowLimit) {
        self.baseURL = baseURL
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.timeout = timeout
        self.objectRowLimit = objectRowLimit
    }

    /// Fetches the anomalous alerts.
    public func fetchAnomalies(_ query: FinkQuery) async throws -> FetchedBody {
        try await post(path: "api/v1/anomaly", arguments: query.anomalyArguments, label: "the anomaly request")
    }

    /// Fetches every alert of `objectIds` in one request.
    public func fetchObjects(_ objectIds: [String], query: FinkQuery, label: String) async throws -> FetchedBody {
        try await post(path: "api/v1/objects", arguments: query.objectsArguments(objectIds: objectIds), label: label)
    }

    /// Fetches the API's description of its columns (`GET /api/v1/schema`), retried like the others.
    public func fetchSchema() async throws -> FetchedBody {
        let url = baseURL.appendingPathComponent("api/v1/schema")
        let request = HTTPRequest(method: "GET", url: url,
                                  headers: ["Accept": "application/json", "User-Agent": "fink-export/\(FinkExportVersion.current)"],
                                  body: Data(), timeout: timeout)
        return try await send(request, record: RequestRecord(method: "GET", url: url.absoluteString, body: ""),
                              label: "the schema request")
    }

    private func post(path: String, arguments: [String: JSONArgument], label: String) async throws -> FetchedBody {
        let url = baseURL.appendingPathComponent(path)
        let body = JSONArgument.body(arguments)
        let record = RequestRecord(method: "POST", url: url.absoluteString, body: String(decoding: body, as: UTF8.self))
        let request = HTTPRequest(method: "POST", url: url,
                                  headers: ["Content-Type": "application/json", "Accept": "application/json",
                                            "User-Agent": "fink-export/\(FinkExportVersion.current)"],
                                  body: body, timeout: timeout)
        return try await send(request, record: record, label: label)
    }

    /// Sends `request`, retrying as the policy says.
    private func send(_ request: HTTPRequest, record: RequestRecord, label: String) async throws -> FetchedBody {
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            var failure = ""
            var retryAfter: String?
            var status: Int?
            do {
                let response = try await transport.send(request)
                if (200 ..< 300).contains(response.status) {
                    return FetchedBody(request: record, body: response.body, attempts: attempt)
                }
                status = response.status
                let message = Self.errorMessage(from: response.body)
                failure = "HTTP \(response.status)" + (message.isEmpty ? "" : ": \(message)")
                guard RetryPolicy.isRetryable(status: response.status) else {
                    throw FinkAPIError(request: record, label: label, status: response.status, reason: failure, failure: .refused)
                }
                retryAfter = response.header("retry-after")
            } catch let error as TransportError {
                failure = error.description
            }
            guard attempt <= retryPolicy.retries else {
                throw FinkAPIError(request: record, label: label, status: status, reason: failure, failure: .exhausted(tries: attempt))
            }
            if let retryAfter, let asked = RetryPolicy.parseRetryAfter(retryAfter), asked > retryPolicy.maximumRetryAfter {
                throw FinkAPIError(request: record, label: label, status: status, reason: failure,
                                   failure: .retryAfterTooLong(seconds: Int(asked), allowed: Int(retryPolicy.maximumRetryAfter)))
            }
            let wait = retryPolicy.delay(beforeRetry: attempt, retryAfter: retryAfter)
            onRetry?(label, attempt, failure)
            try await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
        }
    }

    /// The human part of an error body: flask-restx JSON `{"message": …}`, the API's
    /// Python-repr `{'status': 'error', 'text': …}`, or the start of the text.
    public static func errorMessage(from body: Data) -> String {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
           let message = object["message"] as? String ?? object["text"] as? String {
            return oneLine(message)
        }
        if let range = text.range(of: "'text': '") ?? text.range(of: "'text': \"") {
            let rest = text[range.upperBound...]
            let quote: Character = text[text.index(before: range.upperBound)]
            let message = rest.prefix { $0 != quote }
            return oneLine(String(message).replacingOccurrences(of: "\\n", with: " "))
        }
        if looksLikeHTML(body) {
            return "an HTML page"
        }
        return oneLine(String(text.prefix(200)))
    }

    /// Whether a body is an HTML page (a proxy's or server's error page) rather than data.
    public static func looksLikeHTML(_ body: Data) -> Bool {
        let text = String(decoding: body.prefix(4096), as: UTF8.self).lowercased()
        return text.contains("<html") || text.contains("<!doctype")
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}
