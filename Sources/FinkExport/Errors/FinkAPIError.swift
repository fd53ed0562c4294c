/// The API refused a request, or every try failed.
public struct FinkAPIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// How the request failed.
    public enum Failure: Sendable, Equatable {
        /// A status that another try would not change (4xx other than 408 and 429).
        case refused
        /// Every try failed; `tries` counts them all.
        case exhausted(tries: Int)
        /// The server asked to wait longer than the retry policy allows.
        case retryAfterTooLong(seconds: Int, allowed: Int)
    }

    /// The request, as sent.
    public let request: RequestRecord
    /// Which request of the export it was (`the anomaly request`, `objects batch 2 of 5: …`).
    public let label: String
    /// The HTTP status of the last answer, if there was one.
    public let status: Int?
    /// What the last try ended with: `HTTP 503: message`, or the transport's reason.
    public let reason: String
    /// How the request failed.
    public let failure: Failure

    /// Creates an error.
    public init(request: RequestRecord, label: String, status: Int?, reason: String, failure: Failure) {
        self.request = request
        self.label = label
        self.status = status
        self.reason = reason
        self.failure = failure
    }

    /// One line for the user, naming the request.
    public var description: String {
        let name = "\(request.method) \(request.url) (\(label))"
        switch failure {
        case .refused:
            return "\(name) was refused with \(reason)"
        case .exhausted(let tries):
            return "\(name) failed after \(tries == 1 ? "1 try" : "\(tries) tries"): \(reason)"
        case .retryAfterTooLong(let seconds, let allowed):
            return "\(name) failed with \(reason), and the server asks to wait \(seconds) s, longer than the \(allowed) s allowed"
        }
    }
}
