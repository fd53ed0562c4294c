import Foundation

/// Runs one export: open the writers, export the anomalies, then the objects they name,
/// then finish the files and rename them into place (or remove them if anything failed).
///
/// Data flows one way: an ``AnswerReader`` turns each answer into typed batches, the
/// pipeline hands them to the ``WriterSet``, and a ``TableLedger`` per table accounts what
/// the summary and the provenance report.
public struct ExportPipeline: Sendable {
    /// Where rows come from.
    public var source: ExportSource
    /// The tables to write, anomalies before objects.
    public var tables: [ExportTable]
    /// Columns, names and types.
    public var mapper: SchemaMapper
    /// Format and files.
    public var layout: OutputLayout
    /// Whether existing outputs may be replaced.
    public var overwrite: Bool
    /// Whether rows are added to existing outputs (formats that support it).
    public var append: Bool
    /// Whether the API's answers are kept until the export succeeds, and whether answers an
    /// interrupted export of the same requests kept are read instead of asked again.
    package var resumePolicy: ResumePolicy

    /// Creates a pipeline.
    ///
    /// - Parameters:
    ///   - resume: read the answers an interrupted export of the same requests kept.
    ///   - keepAnswers: keep the API's answers on disk until the export succeeds, so a later
    ///     run with `resume` can continue it.
    /// - Throws: ``SinkError/appendUnsupported(format:)`` or ``SinkError/appendWithOverwrite``.
    public init(source: ExportSource, tables: [ExportTable], mapper: SchemaMapper, layout: OutputLayout,
                overwrite: Bool = false, append: Bool = false, resume: Bool = false,
                keepAnswers: Bool = false) throws {
        let descriptor = layout.format.descriptor
        if append && !descriptor.capabilities.supportsAppend { throw SinkError.appendUnsupported(format: descriptor.name) }
        if append && overwrite { throw SinkError.appendWithOverwrite }
        self.source = source
        self.tables = tables.sorted()
        self.mapper = mapper
        self.layout = layout
        self.overwrite = overwrite
        self.append = append
        self.resumePolicy = ResumePolicy(resume: resume, keepAnswers: keepAnswers)
    }

    /// Runs the export.
    ///
    /// - Parameters:
    ///   - progress: called after each answer.
    ///   - notice: called with what the export has to say while it runs (retries, resuming).
    /// - Returns: what was written.
    public func run(progress: @escaping @Sendable (ExportProgress) -> Void = { _ in },
                    notice: @escaping @Sendable (ExportNotice) -> Void = { _ in }) async throws -> ExportSummary {
        if case .api = source {
            try resumePolicy.refuseFinished(outputs: outputs, replacingOrAdding: overwrite || append)
        }
        // Files first, so an output that cannot be created fails before any request.
        let writers = try await WriterSet(layout: layout, tables: tables, overwrite: overwrite, append: append)
        return try await runSteps(writers: writers, progress: progress, notice: notice)
    }

    /// The export's steps, with the writers open.
    private func runSteps(writers: WriterSet, progress: @escaping @Sendable (ExportProgress) -> Void,
                          notice: @escaping @Sendable (ExportNotice) -> Void) async throws -> ExportSummary {
        let meter = ExportMeter(progress: progress)
        var spool: AnswerSpool?
        do {
            var provenance: ProvenanceBuilder
            var ledgers: [TableLedger] = []
            switch source {
            case .api(let api):
                let fetcher = try makeFetcher(api, retries: meter.retries, notice: notice)
                spool = fetcher.spool
                var pipeline = self
                let anomalies: TableLedger
                do {
                    // The live schema types the answers' columns, not what is asked for, so it is
                    // read while the anomalies are asked for: a round trip saved at the start.
                    async let live = api.readsLiveSchema ? LiveSchemaStep.mapper(mapper, from: api.client, notice: notice) : nil
                    // Within this block, so the body is not held through the objects step.
                    let anomalyAnswer = try await fetcher.anomalies()
                    var liveSchema: Provenance.LiveSchemaRecord?
                    if let (merged, record) = try await live { (pipeline.mapper, liveSchema) = (merged, record) }
                    provenance = ProvenanceBuilder(mapper: pipeline.mapper, startedAt: meter.started)
                    provenance.liveSchema = liveSchema
                    anomalies = try await pipeline.exportAnomalies(anomalyAnswer, requested: api.query.count, shard: api.shard,
                                                                   into: writers, meter: meter, provenance: &provenance)
                }
                ledgers.append(anomalies)
                if tables.contains(.objects) {
                    ledgers.append(try await pipeline.exportObjects(of: anomalies.objectIds, fetcher, api: api, into: writers,
                                                                    meter: meter, provenance: &provenance))
                }
                provenance.recordSource(api)
            case .files(let files):
                provenance = ProvenanceBuilder(mapper: mapper, startedAt: meter.started)
                ledgers = try await exportFiles(files, into: writers, meter: meter)
                provenance.recordSource(files)
            }
            let record = provenance.build(ledgers)
            // The kept answers go before the renames: a kill after them then finds the export
            // complete, and a kill before them an export that --resume starts over.
            try await writers.finish(provenance: record, beforeCommit: { spool?.remove() })
            return ExportSummary(ledgers: ledgers, files: layout.files, meter: meter, provenance: record)
        } catch {
            await writers.abandon()
            throw ResumePolicy.outcome(of: error, spool: spool)
        }
    }

    /// Each table's file, in table order (one file twice when the format holds both tables).
    private var outputs: [URL] { tables.compactMap { layout.files[$0] } }

    /// The file the kept answers go beside: the first table's.
    private var firstOutput: URL? { outputs.first }

    /// The fetcher for an API source: retries become notices, and answers are kept (or read
    /// back) as the resume policy says.
    private func makeFetcher(_ api: ExportSource.APISource, retries: RetryCounter,
                             notice: @escaping @Sendable (ExportNotice) -> Void) throws -> AnswerFetcher {
        let client = Self.noticingRetries(of: api.client, counter: retries, notice: notice)
        var query = api.query
        query.columns = mapper.requestColumns
        var spool: AnswerSpool?
        if let firstOutput {
            spool = try resumePolicy.openSpool(besideOutput: firstOutput,
                                               for: AnswerSpool.Manifest(client: client, query: query, batchSize: api.batchSize),
                                               notice: notice)
        }
        return AnswerFetcher(client: client, query: query, spool: spool)
    }

    /// `client`, with each retry a notice (and counted in `counter`, if given).
    static func noticingRetries(of client: FinkClient, counter: RetryCounter? = nil,
                                notice: @escaping @Sendable (ExportNotice) -> Void) -> FinkClient {
        var client = client
        client.onRetry = { label, attempt, reason in
            counter?.increment()
            notice(.retrying(request: label, attempt: attempt, reason: reason))
        }
        return client
    }

    /// Hands `reader`'s batches to the writer of the ledger's table as they fill, then accounts
    /// the answer in the ledger (objects with `rowLimit` rows may have been cut). `madeBatch`
    /// runs as each batch is made, before it is written.
    func copy(_ reader: inout AnswerReader, to ledger: inout TableLedger, writers: WriterSet, rowLimit: Int? = nil,
              madeBatch: () async -> Void = {}) async throws {
        while let batch = try reader.next() {
            await madeBatch()
            try await write(batch, to: &ledger, writers: writers)
        }
        ledger.record(reader.stats, rowLimit: rowLimit)
    }

    /// The same for an answer already read into batches (by the task that fetched it).
    func copy(_ answer: ReadAnswer, to ledger: inout TableLedger, writers: WriterSet, rowLimit: Int?) async throws {
        for batch in answer.batches {
            try await write(batch, to: &ledger, writers: writers)
        }
        ledger.record(answer.stats, rowLimit: rowLimit)
    }

    private func write(_ batch: RecordBatch, to ledger: inout TableLedger, writers: WriterSet) async throws {
        ledger.countKinds(batch)
        try await writers.write(batch, to: ledger.table)
    }

    /// Ends `table`: its writer's report (if it is written) goes into the ledger.
    func close(_ ledger: inout TableLedger, schema: TableSchema, writers: WriterSet, rowLimit: Int? = nil) async throws {
        let report = writers.tables.contains(ledger.table) ? try await writers.endTable(ledger.table, schema: schema) : nil
        ledger.close(schema: schema, report: report, rowLimit: rowLimit, format: layout.format.descriptor.name)
    }
}
