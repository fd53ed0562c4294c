import Foundation

/// A bound on how many tasks do CPU-heavy work at once, waited for without blocking a thread.
///
/// Answers are parsed in the tasks that fetch them; the writer thread needs a core of its own
/// (it is the slower side for most formats), so parsing takes the other cores only: with
/// every core parsing, the writer was measured about 7% slower on two cores.
package actor WorkSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// `count` tasks may work at once (at least one).
    package init(_ count: Int) {
        free = max(1, count)
    }

    /// Slots for parsing beside one writer thread: every core but one, at least one.
    package static func besideWriter() -> WorkSlots {
        WorkSlots(ProcessInfo.processInfo.activeProcessorCount - 1)
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
