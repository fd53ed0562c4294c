import Foundation

/// Collects what the provenance records while an export runs, and makes it at the end.
struct ProvenanceBuilder {
    private let mapper: SchemaMapper
    private let startedAt: Date
    private var source = ""
    private var anomaliesRequested: Int?
    private var shard: Shard?
    var anomalyRequest: RequestRecord?
    var objectsRequest: RequestRecord?
    var objectsRequestCount = 0
    var liveSchema: Provenance.LiveSchemaRecord?

    init(mapper: SchemaMapper, startedAt: Date) {
        self.mapper = mapper
        self.startedAt = startedAt
    }

    mutating func recordSource(_ api: ExportSource.APISource) {
        source = api.label
        anomaliesRequested = api.query.count
        shard = api.shard
    }

    mutating func recordSource(_ files: [ExportTable: URL]) {
        source = "converted from " + files.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value.path)" }.joined(separator: ", ")
    }

    /// The provenance of an export whose tables are `ledgers` (the written ones are recorded;
    /// every table's warnings are).
    func build(_ ledgers: [TableLedger]) -> Provenance {
        var provenance = Provenance(source: source, exportedAt: Provenance.timestamp(startedAt))
        provenance.anomalyRequest = anomalyRequest
        provenance.objectsRequest = objectsRequest
        provenance.objectsRequestCount = objectsRequestCount
        provenance.anomaliesRequested = anomaliesRequested
        provenance.liveSchema = liveSchema
        provenance.shard = shard.map { Provenance.ShardRecord(index: $0.index, count: $0.count, rule: Shard.rule) }
        provenance.schemaVersion = mapper.catalogue.version
        provenance.featureNames = mapper.catalogue.features.map(\.name)
        provenance.nameStyle = mapper.options.nameStyle.rawValue
        provenance.featuresExpanded = mapper.options.expandFeatures
        provenance.tables = ledgers.compactMap(\.provenanceRecord)
        provenance.warnings = ledgers.flatMap(\.warnings).map(\.description)
        return provenance
    }
}
