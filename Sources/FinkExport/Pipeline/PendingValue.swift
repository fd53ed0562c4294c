/// A value one task provides once, later, and other tasks wait for.
///
/// The objects step uses it for the table's plan: the first answer fixes the columns, while
/// the requests after it are already on their way and their tasks wait here to parse.
///
/// A wait ends with the value, with the error the value was failed with, or with
/// `CancellationError` once the waiting task is cancelled: a task group that failed elsewhere
/// can always end, since it waits for all its tasks.
package actor PendingValue<Value: Sendable> {
    private var outcome: Result<Value, any Error>?
    private var waiting: [Int: CheckedContinuation<Value, any Error>] = [:]
    private var nextWaiter = 0

    package init() {}

    /// The value, once provided; throws the error it was failed with instead.
    package func value() async throws -> Value {
        if let outcome { return try outcome.get() }
        let waiter = nextWaiter
        nextWaiter += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // Runs on this actor before any cancellation below can: a task cancelled
                // before it got here is refused now, one cancelled after is found waiting.
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiting[waiter] = continuation
                }
            }
        } onCancel: {
            Task { await self.cancel(waiter) }
        }
    }

    /// Provides the value to every waiter, present and future. Only the first outcome counts.
    package func provide(_ value: Value) {
        settle(.success(value))
    }

    /// Fails every waiter, present and future, with `error`. Only the first outcome counts.
    package func fail(_ error: any Error) {
        settle(.failure(error))
    }

    private func settle(_ result: Result<Value, any Error>) {
        guard outcome == nil else { return }
        outcome = result
        let waiters = waiting.values
        waiting = [:]
        for continuation in waiters { continuation.resume(with: result) }
    }

    private func cancel(_ waiter: Int) {
        waiting.removeValue(forKey: waiter)?.resume(throwing: CancellationError())
    }
}
