/// Asks the API for an export's answers, or reads them from the spool when an interrupted
/// export kept them; what it fetches it keeps (when there is a spool).
package struct AnswerFetcher: Sendable {
    package let client: FinkClient
    package let query: FinkQuery
    package let spool: AnswerSpool?

    /// The anomaly answer.
    package func anomalies() async throws -> FetchedBody {
        if let saved = try spool?.load("anomalies") { return saved }
        let fetched = try await client.fetchAnomalies(query)
        try await spool?.keep(fetched, as: "anomalies")
        return fetched
    }

    /// The answer of objects request `index` of `batches`.
    package func objects(_ index: Int, of batches: [[String]]) async throws -> FetchedBody {
        let name = AnswerSpool.objectsName(index)
        if let saved = try spool?.load(name) { return saved }
        let fetched = try await client.fetchObjects(batches[index], query: query, label: Self.label(index, batches))
        try await spool?.keep(fetched, as: name)
        return fetched
    }

    private static func label(_ index: Int, _ batches: [[String]]) -> String {
        let ids = batches[index]
        let shown = ids.count <= 3 ? ids.joined(separator: ",") : "\(ids[0]),\(ids[1]),… (\(ids.count) ids)"
        return "objects batch \(index + 1) of \(batches.count): \(shown)"
    }
}
