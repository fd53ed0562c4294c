import Foundation

/// Where an export's rows come from.
public enum ExportSource: Sendable {
    /// The Fink API, in two steps.
    case api(APISource)
    /// Saved API responses (JSON arrays or the API's CSV), one file per table.
    case files([ExportTable: URL])

    /// The two-step API source and its settings.
    public struct APISource: Sendable {
        /// The client (base URL, transport, retries, timeout).
        public var client: FinkClient
        /// The query.
        public var query: FinkQuery
        /// Object ids per objects request.
        public var batchSize: Int
        /// Objects requests in flight at once.
        public var concurrency: Int
        /// How the source is named in provenance (the base URL, or `sample`).
        public var label: String
        /// Whether the API's own schema (`/api/v1/schema`) is read first, so a column the
        /// built-in catalogue lacks is typed from it before any row arrives.
        public var readsLiveSchema: Bool
        /// The part of a split export this run makes: only rows of its objects are kept and
        /// only its objects are asked for; nil for the whole export.
        public var shard: Shard?
        /// Bytes of objects answers (their JSON) held at once, received or being fetched: the next
        /// request waits while the answers not yet written, plus one largest answer per request in
        /// flight, would pass it. Requests in flight stay within ``concurrency`` too. 80 MB keeps a
        /// Parquet export of 1M rows under 256 MB at its peak on a machine where the answers arrive
        /// faster than the writer takes them (96 MB passed it in one run of eight).
        public var answerBytesInFlight: Int = 80_000_000

        /// Creates an API source.
        public init(client: FinkClient, query: FinkQuery, batchSize: Int = 10, concurrency: Int = 4, label: String? = nil,
                    readsLiveSchema: Bool = true, shard: Shard? = nil) {
            self.readsLiveSchema = readsLiveSchema
            self.shard = shard
            self.client = client
            self.query = query
            self.batchSize = batchSize
            self.concurrency = concurrency
            self.label = label ?? client.baseURL.absoluteString
        }
    }
}
