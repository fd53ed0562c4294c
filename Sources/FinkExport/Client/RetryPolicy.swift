import Foundation

/// When and how long to wait before trying a request again.
///
/// Connection errors, timeouts, cut-off bodies, 429 and 5xx are retried with exponential
/// backoff and equal jitter (a random wait in the upper half of the backoff); a `Retry-After` header overrides the computed wait.
public struct RetryPolicy: Sendable, Equatable {
    /// Tries after the first one.
    public var retries: Int
    /// The wait before the first retry, before jitter.
    public var baseDelay: TimeInterval
    /// The longest computed wait.
    public var maximumDelay: TimeInterval
    /// The longest `Retry-After` honoured; longer requests end the retries.
    public var maximumRetryAfter: TimeInterval

    /// Creates a policy; the defaults are the CLI's.
    public init(retries: Int = 5, baseDelay: TimeInterval = 0.5, maximumDelay: TimeInterval = 30,
                maximumRetryAfter: TimeInterval = 120) {
        self.retries = retries
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// Whether an HTTP status is worth another try.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || (500 ... 599).contains(status)
    }

    /// The wait before retry number `attempt` (1-based): random in [d/2, d] for backoff d.
    public func delay(beforeRetry attempt: Int, retryAfter: String? = nil, now: Date = Date()) -> TimeInterval {
        if let retryAfter, let seconds = Self.parseRetryAfter(retryAfter, now: now) {
            return seconds
        }
        let exponential = min(maximumDelay, baseDelay * pow(2, Double(attempt - 1)))
        return exponential / 2 + Double.random(in: 0 ... exponential / 2)
    }

    /// Reads a `Retry-After` value: delta-seconds or an HTTP date.
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> TimeInterval? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return TimeInterval(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
