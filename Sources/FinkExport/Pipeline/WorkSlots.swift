import Foundation

/// A bound on how many tasks do CPU-heavy work at once, waited for without blocking a thread.
///
/// Answers are parsed in the tasks that fetch them, as many at once as there are cores, beside
/// the writer thread. Measured on two cores at 100k rows against the build before the core
/// was reshaped (3fb7622, alternating runs, medians, 2026-12-01): with one parser beside the
/// writer, every format was 4-6% slower (the writer of CSV or SQLite waits for answers; at
/// `--concurrency 1` the two were level); with a parser per core, CSV 4.09 vs 4.15 s, JSON
/// Lines 4.57 vs 4.85, SQLite 3.90 vs 3.88, HDF5 6.85 vs 6.72, VOTable 4.39 vs 4.68.
package actor WorkSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// `count` tasks may work at once (at least one).
    package init(_ count: Int) {
        free = max(1, count)
    }

    /// Slots for parsing beside the writer thread: one per core.
    package static func besideWriter() -> WorkSlots {
        WorkSlots(ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Runs `work` once a slot is free, on the caller's task (not on this actor, which would
    /// run one piece of work at a time whatever the count).
    package nonisolated func run<T>(_ work: () throws -> T) async rethrows -> T {
        await acquire()
        do {
            let result = try work()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
