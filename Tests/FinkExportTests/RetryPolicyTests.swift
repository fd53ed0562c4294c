import FinkExport
import Foundation
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("429 and 5xx are retried, other statuses are not")
    func retryable() {
        #expect(RetryPolicy.isRetryable(status: 429))
        #expect(RetryPolicy.isRetryable(status: 503))
        #expect(!RetryPolicy.isRetryable(status: 400))
        #expect(!RetryPolicy.isRetryable(status: 404))
    }

    @Test("backoff doubles up to the maximum, with jitter in the upper half")
    func backoff() {
        let policy = RetryPolicy(retries: 5, baseDelay: 1, maximumDelay: 8)
        for attempt in 1 ... 6 {
            let cap = min(8, pow(2, Double(attempt - 1)))
            for _ in 0 ..< 50 {
                let delay = policy.delay(beforeRetry: attempt)
                #expect(delay >= cap / 2 && delay <= cap)
            }
        }
    }

    @Test("Retry-After in seconds or as an HTTP date overrides the backoff")
    func retryAfter() {
        let policy = RetryPolicy()
        #expect(policy.delay(beforeRetry: 1, retryAfter: "7") == 7)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let later = RetryPolicy.parseRetryAfter("Tue, 14 Nov 2023 22:13:40 GMT", now: now)
        #expect(later == 20)
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
    }
}
