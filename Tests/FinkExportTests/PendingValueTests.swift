@testable import FinkExport
import Testing

/// The value the objects step's tasks wait for (the table's plan): every waiter gets the one
/// outcome, and a cancelled waiter never hangs its task group.
@Suite("Pending value")
struct PendingValueTests {
    struct Failure: Error, Equatable {
        let code: Int
    }

    @Test("waiters from before and after it is provided get the value; a later outcome is ignored")
    func provided() async throws {
        let pending = PendingValue<Int>()
        async let early = pending.value()
        async let early2 = pending.value()
        try await Task.sleep(nanoseconds: 10_000_000)
        await pending.provide(42)
        await pending.fail(Failure(code: 1))
        await pending.provide(7)
        #expect(try await early == 42)
        #expect(try await early2 == 42)
        #expect(try await pending.value() == 42)
    }

    @Test("a failure reaches every waiter, present and future")
    func failed() async throws {
        let pending = PendingValue<Int>()
        let early = Task { try await pending.value() }
        try await Task.sleep(nanoseconds: 10_000_000)
        await pending.fail(Failure(code: 3))
        await pending.provide(1)
        await #expect(throws: Failure(code: 3)) { try await early.value }
        await #expect(throws: Failure(code: 3)) { try await pending.value() }
    }

    @Test("a group whose other task fails ends: its waiting tasks are cancelled out of their wait")
    func cancelled() async throws {
        let pending = PendingValue<Int>()
        // Without cancellation, the waiters would keep the group (and the test) from ending.
        await #expect(throws: Failure(code: 9)) {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0 ..< 3 { group.addTask { try await pending.value() } }
                group.addTask {
                    try await Task.sleep(nanoseconds: 20_000_000)
                    throw Failure(code: 9)
                }
                while try await group.next() != nil {}
            }
        }
        // A task cancelled before it asks is refused at once.
        let refused = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await pending.value()
        }
        await #expect(throws: CancellationError.self) { try await refused.value }
    }
}
