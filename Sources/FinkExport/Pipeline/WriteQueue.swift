import Foundation

/// Runs sink calls on one background thread, in order, so writing a batch overlaps reading the
/// next. At most `capacity` calls wait at a time, which bounds the batches held in memory.
/// Sinks see every call from that one thread (libhdf5's serial build needs no more).
final class WriteQueue: @unchecked Sendable {
    private let queue = DispatchQueue(label: "fink-export.writer")
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var failure: Error?

    init(capacity: Int = 2) {
        slots = DispatchSemaphore(value: capacity)
    }

    /// Queues `work`; throws the first failure of work queued earlier.
    func submit(_ work: @escaping () throws -> Void) throws {
        try rethrowFailure()
        slots.wait()
        let job = Unchecked(work)
        queue.async { [self] in
            defer { slots.signal() }
            guard lock.withLock({ failure == nil }) else { return }
            do {
                try job.value()
            } catch {
                lock.withLock { if failure == nil { failure = error } }
            }
        }
    }

    /// Runs `work` after everything queued, and returns its result; throws the first failure
    /// of earlier work instead of running it.
    func sync<T>(_ work: () throws -> T) throws -> T {
        try queue.sync {
            try rethrowFailure()
            return try work()
        }
    }

    /// Waits until queued work is done, whatever its outcome (before cleaning up).
    func waitUntilIdle() {
        queue.sync {}
    }

    private func rethrowFailure() throws {
        if let failure = lock.withLock({ self.failure }) { throw failure }
    }
}

/// Carries a value the compiler cannot prove Sendable across to the writer thread, where it
/// is the only user.
private struct Unchecked<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
