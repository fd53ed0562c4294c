import Foundation

/// The export's first step against the API: read `/api/v1/schema` and type the columns the
/// built-in catalogue lacks from it. A schema that cannot be read is a notice, not a failure.
enum LiveSchemaStep {
    /// `mapper` with the live schema's columns added, and what provenance records about it.
    static func mapper(_ mapper: SchemaMapper, from client: FinkClient,
                       notice: @escaping @Sendable (ExportNotice) -> Void) async throws -> (SchemaMapper, Provenance.LiveSchemaRecord) {
        let client = ExportPipeline.noticingRetries(of: client, notice: notice)
        let url = client.baseURL.appendingPathComponent("api/v1/schema").absoluteString
        let live: LiveSchema
        do {
            live = try LiveSchema(json: try await client.fetchSchema().body)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let reason = (error as? FinkAPIError)?.reason ?? "\(error)"
            notice(.liveSchemaUnavailable(reason: reason))
            return (mapper, Provenance.LiveSchemaRecord(url: url, used: false, failure: reason))
        }
        let merge = mapper.catalogue.merging(live)
        // The options were checked with the same columns already: this cannot throw.
        let merged = (try? SchemaMapper(catalogue: merge.catalogue, options: mapper.options)) ?? mapper
        return (merged, Provenance.LiveSchemaRecord(url: url, used: true, columnsAdded: merge.added))
    }
}
