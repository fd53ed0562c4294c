/// Asks the API for an export's answers, or reads them from the spool when an interrupted
/// export kept them; what it fetches it keeps (when there is a spool).
///
/// An answer is handed to its reader while it is being kept, not after: the write waits for the
/// device (tens of milliseconds per answer here), and the parse need not wait with it. A call
/// returns only once the answer is kept too, and fails if keeping it failed, so a delivered
/// answer is always a kept one, until every answer is in hand: the kept ones are then deleted,
/// and the rest not written (``EarlyAnswerRemoval``).
package struct AnswerFetcher: Sendable {
    package let client: FinkClient
    package let query: FinkQuery
    package let spool: AnswerSpool?

    /// The anomaly answer, once kept. (It is read only after the live schema is in, so there is
    /// nothing to read while it is kept.)
    package func anomalies() async throws -> FetchedBody {
        if let saved = try spool?.load("anomalies") { return saved }
        let fetched = try await client.fetchAnomalies(query)
        try await spool?.keep(fetched, as: "anomalies")
        return fetched
    }

    /// Calls `use` with the answer of objects request `index` of `batches` and returns what it returns.
    package func objects<Result>(_ index: Int, of batches: [[String]],
                                 _ use: (FetchedBody) async throws -> Result) async throws -> Result {
        let name = AnswerSpool.objectsName(index)
        if let saved = try spool?.load(name) { return try await use(saved) }
        let fetched = try await client.fetchObjects(batches[index], query: query, label: Self.label(index, batches))
        return try await keeping(fetched, as: name, while: use)
    }

    /// Keeps `fetched` in the spool while `use` reads it.
    private func keeping<Result>(_ fetched: FetchedBody, as name: String,
                                 while use: (FetchedBody) async throws -> Result) async throws -> Result {
        guard let spool else { return try await use(fetched) }
        spool.received(name)
        async let kept: Void = spool.keep(fetched, as: name)
        let result: Result
        do {
            result = try await use(fetched)
        } catch {
            // The reader's error is the one to report; the write is waited for either way.
            try? await kept
            throw error
        }
        try await kept
        return result
    }

    private static func label(_ index: Int, _ batches: [[String]]) -> String {
        let ids = batches[index]
        let shown = ids.count <= 3 ? ids.joined(separator: ",") : "\(ids[0]),\(ids[1]),… (\(ids.count) ids)"
        return "objects batch \(index + 1) of \(batches.count): \(shown)"
    }
}
