import Foundation

/// Runs calls on one dedicated thread, in the order they are handed over: a sink's calls, so
/// writing a batch overlaps reading the next and every writer sees all its calls on one thread;
/// and the kept answers' writes, which wait for the device off the concurrency pool's threads.
///
/// The hand-off is async and bounded: ``submit(_:)`` suspends its caller (it never blocks a
/// thread of the cooperative pool) while `capacity` jobs already wait, which bounds the
/// batches held in memory. ``perform(_:)`` waits for its job's result.
package final class WriterThread: @unchecked Sendable {
    private typealias Job = @Sendable () -> Void

    private let condition = NSCondition()
    private let capacity: Int
    /// Jobs not yet run; a job leaves the queue before it runs, so what it holds (a batch) is
    /// released as soon as it has run. The queue holds a few jobs at most.
    private var jobs: [Job] = []
    /// Jobs handed over while the queue was full, with the callers waiting for room.
    private var waiting: [(job: Job, caller: CheckedContinuation<Void, Never>)] = []
    private var stopping = false

    /// Starts the thread. One job waiting beside the one running keeps the writer busy: with two,
    /// peak RSS at 1M rows was 10-40 MB higher in six formats (HDF5 210-216 against 175-179 MB,
    /// VOTable 187-195 against 153, Parquet 223-232 against 190-203; two alternating runs each,
    /// 2026-12-02) and no faster, except Parquet at 100k (2.34-2.54 against 2.74-2.87 s).
    package init(capacity: Int = 1) {
        self.capacity = max(1, capacity)
        let thread = Thread { [self] in runJobs() }
        thread.name = "fink-export.writer"
        thread.start()
    }

    /// Queues `job` and returns once it is queued, not run.
    package func submit(_ job: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (caller: CheckedContinuation<Void, Never>) in
            condition.lock()
            if jobs.count < capacity {
                jobs.append(job)
                condition.signal()
                condition.unlock()
                caller.resume()
            } else {
                waiting.append((job, caller))
                condition.unlock()
            }
        }
    }

    /// Runs `work` after everything queued before it and returns its result.
    package func perform<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (caller: CheckedContinuation<T, Error>) in
            let job: Job = { caller.resume(with: Result { try work() }) }
            condition.lock()
            // Its caller waits for the result, so it may pass the bound: memory stays bounded.
            jobs.append(job)
            condition.signal()
            condition.unlock()
        }
    }

    /// Ends the thread once the queued jobs have run.
    package func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            var admitted: CheckedContinuation<Void, Never>?
            if !waiting.isEmpty {
                let first = waiting.removeFirst()
                jobs.append(first.job)
                admitted = first.caller
            }
            condition.unlock()
            admitted?.resume()
            job()
        }
    }
}
