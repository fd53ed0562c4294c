/// Runs numbered jobs with a bounded number in flight and hands their results over in job
/// order, so what is written never depends on which answer arrived first.
package enum OrderedFetch {
    /// Runs `job` for each index of `indices`, at most `concurrency` at a time, and calls
    /// `deliver` with the results in index order. A job starts only when a result is handed
    /// over, so at most `concurrency` results are held at once. The first failure of a job
    /// or of `deliver` cancels the rest and is thrown.
    package static func run<Result: Sendable>(
        _ indices: Range<Int>, concurrency: Int,
        job: @escaping @Sendable (Int) async throws -> Result,
        deliver: (Int, Result) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var next = indices.lowerBound
            var expected = indices.lowerBound
            var ready: [Int: Result] = [:]
            func launch() {
                guard next < indices.upperBound else { return }
                let index = next
                group.addTask { (index, try await job(index)) }
                next += 1
            }
            for _ in 0 ..< max(1, concurrency) { launch() }
            while let (index, result) = try await group.next() {
                ready[index] = result
                while let result = ready.removeValue(forKey: expected) {
                    try await deliver(expected, result)
                    expected += 1
                    launch()
                }
            }
        }
    }
}
