import Foundation

/// Deletes an export's kept objects answers once every one of them is in memory, beside the
/// reading and writing of the last ones, rather than after the export.
///
/// On a disk that trims the blocks it frees (ext4 mounted with `discard`, as many cloud images
/// are), deleting the 500 MB a 100k export keeps takes 0.1–0.15 s with both cores idle: started
/// when the last answer is received, it runs while the answers still in hand are parsed and the
/// last row groups written, and the answers not yet written to the spool are not written at all
/// (``isRemoving(_:)``). What it costs: an export that fails after that point (an interruption,
/// a full disk) keeps only the answers not yet deleted, and `--resume` asks the API again for
/// the others. Before that point, nothing changes: the API is needed until the last answer is
/// in, and a network failure keeps every answer received.
///
/// Safe from any thread: answers are kept and loaded by the export's tasks, and the deletion
/// runs on a thread of its own (each `unlink` waits for the device).
final class EarlyAnswerRemoval: @unchecked Sendable {
    private let condition = NSCondition()
    /// The answers to delete, in order, once none is awaited; empty until armed.
    private var names: [String] = []
    /// Armed answers not yet in hand.
    private var awaited: Set<String> = []
    /// Every armed answer.
    private var armed: Set<String> = []
    private var started = false
    private var stopping = false
    private var running = false
    private let delete: @Sendable (String) -> Void

    /// Deletion by `delete`, which removes one answer's files.
    init(delete: @escaping @Sendable (String) -> Void) {
        self.delete = delete
    }

    /// Deletes `names`, in this order, once each is in hand; a second call is ignored. Arm before
    /// any of them is fetched: one reported in hand earlier does not count, and the deletion
    /// then never starts (the spool goes at the end, as without it).
    func arm(_ names: [String]) {
        condition.lock()
        defer { condition.unlock() }
        guard self.names.isEmpty, !started, !stopping else { return }
        self.names = names
        armed = Set(names)
        awaited = armed
    }

    /// `name` is in memory for the rest of the export (received, or read back from the spool).
    func inHand(_ name: String) {
        condition.lock()
        defer { condition.unlock() }
        awaited.remove(name)
        startIfReady()
    }

    /// Whether `name` is armed and its deletion has started: it is then not worth writing.
    func isRemoving(_ name: String) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return started && armed.contains(name)
    }

    /// No deletion starts once this returns, and the one under way has ended.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        while running { condition.wait() }
    }

    /// Starts the deletion when every armed answer is in hand (the lock held).
    private func startIfReady() {
        guard !started, !stopping, !names.isEmpty, awaited.isEmpty else { return }
        started = true
        running = true
        let thread = Thread { [self] in deleteAll() }
        thread.name = "fink-export.spool-removal"
        thread.start()
    }

    private func deleteAll() {
        var next = 0
        while true {
            condition.lock()
            guard !stopping, next < names.count else {
                running = false
                condition.broadcast()
                condition.unlock()
                return
            }
            let name = names[next]
            condition.unlock()
            delete(name)
            next += 1
        }
    }
}
