import Foundation

/// Runs one export: rows from the source, through the mapper, into the sink, then the
/// staged files are renamed into place, or removed if anything failed.
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
    /// Whether answers kept by an interrupted export of the same requests are used rather
    /// than asked again (see ``AnswerSpool``).
    public var resume: Bool
    /// Whether the API's answers are kept on disk until the export succeeds, so that a later
    /// run with ``resume`` can continue it.
    public var keepAnswers: Bool

    /// Creates a pipeline.
    ///
    /// - Throws: ``SinkError/usage(_:)`` when `append` is asked of a format that cannot append,
    ///   or together with `overwrite`.
    public init(source: ExportSource, tables: [ExportTable], mapper: SchemaMapper, layout: OutputLayout,
                overwrite: Bool = false, append: Bool = false, resume: Bool = false,
                keepAnswers: Bool = false) throws {
        let descriptor = layout.format.descriptor
        if append && !descriptor.capabilities.supportsAppend {
            throw SinkError.usage("\(descriptor.name) cannot add to an existing file; `fink-export formats` shows which formats can append")
        }
        if append && overwrite { throw SinkError.usage("--append and --overwrite cannot be used together") }
        self.source = source
        self.tables = tables.sorted()
        self.mapper = mapper
        self.layout = layout
        self.overwrite = overwrite
        self.append = append
        self.resume = resume
        self.keepAnswers = keepAnswers
    }

    /// Runs the export.
    ///
    /// - Parameters:
    ///   - progress: called after each response.
    ///   - log: called with one-line notices (retries) while the export runs.
    /// - Returns: what was written.
    public func run(progress: @escaping @Sendable (ExportProgress) -> Void = { _ in },
                    log: @escaping @Sendable (String) -> Void = { _ in }) async throws -> ExportSummary {
        let run = ExportRun(pipeline: self, progress: progress, log: log)
        return try await run.execute()
    }
}

/// The state of one running export.
private final class ExportRun {
    let pipeline: ExportPipeline
    let progress: @Sendable (ExportProgress) -> Void
    let log: @Sendable (String) -> Void
    let started = Date()
    let staging: OutputStaging
    var writers: [ExportTable: any TableWriter] = [:]
    var distinctWriters: [any TableWriter] = []
    let writes = WriteQueue()
    var begun: Set<ExportTable> = []
    var rowsRead = 0
    var bytes = 0
    var objectsDone = 0
    var objectsTotal = 0
    var tableRecords: [Provenance.TableRecord] = []
    var warnings: [String] = []
    var anomalyRequest: RequestRecord?
    var objectsRequest: RequestRecord?
    var objectsRequestCount = 0
    let retries = RetryCounter()
    /// The API's answers on disk, for --resume (API sources only).
    var spool: AnswerSpool?

    init(pipeline: ExportPipeline, progress: @escaping @Sendable (ExportProgress) -> Void,
         log: @escaping @Sendable (String) -> Void) {
        self.pipeline = pipeline
        self.progress = progress
        self.log = log
        self.staging = OutputStaging(overwrite: pipeline.overwrite,
                                     canAppend: pipeline.layout.format.descriptor.capabilities.supportsAppend)
    }

    func execute() async throws -> ExportSummary {
        do {
            try openWriters()
            switch pipeline.source {
            case .api(let api): try await exportFromAPI(api)
            case .files(let files): try exportFromFiles(files)
            }
            let provenance = makeProvenance()
            try writes.sync {
                for writer in distinctWriters { try writer.finish(provenance: provenance) }
                for writer in distinctWriters { writer.close() }
            }
            try staging.commit()
            spool?.remove()
            let summaryTables = tableRecords.compactMap { record -> ExportSummary.Table? in
                guard let table = ExportTable(rawValue: record.name), let file = pipeline.layout.files[table] else { return nil }
                return ExportSummary.Table(table: table, rows: record.rows, columns: record.columns.count, path: file.path)
            }
            return ExportSummary(tables: summaryTables, bytes: bytes, elapsed: Date().timeIntervalSince(started),
                                 retries: retries.value, provenance: provenance)
        } catch {
            writes.waitUntilIdle()
            for writer in distinctWriters { writer.close() }
            staging.discard()
            if let spool, Self.canResume(after: error), spool.holdsAnswers {
                throw ResumableFailure(underlying: error, spool: spool.directory)
            }
            spool?.remove()
            throw error
        }
    }

    /// Failures that another try may get past (an interruption, the network, the server, the
    /// disk); a bad answer, a refused request or a wrong setting would fail the same way again.
    private static func canResume(after error: Error) -> Bool {
        switch error {
        case is CancellationError, is TransportError: return true
        case let error as FinkAPIError:
            guard let status = error.status else { return true }
            return status >= 500 || status == 408 || status == 429
        case let error as SinkError:
            if case .output = error { return true }
            return false
        default: return false
        }
    }

    private func openWriters() throws {
        try pipeline.layout.prepareDirectory()
        var byFile: [URL: any TableWriter] = [:]
        for table in pipeline.tables {
            guard let file = pipeline.layout.files[table] else { continue }
            if let shared = byFile[file] {
                writers[table] = shared
                continue
            }
            let destination = try staging.destination(for: file, appending: pipeline.append)
            let writer = try pipeline.layout.format.makeWriter(destination: destination, options: pipeline.layout.options)
            byFile[file] = writer
            writers[table] = writer
            distinctWriters.append(writer)
        }
    }

    // MARK: Sources

    private func exportFromAPI(_ api: ExportSource.APISource) async throws {
        var client = api.client
        let counter = retries
        let log = self.log
        client.onRetry = { label, attempt, reason in
            counter.increment()
            log("retrying \(label) (try \(attempt + 1)): \(reason)")
        }
        var query = api.query
        query.columns = pipeline.mapper.requestColumns
        let spool = try openSpool(client: client, query: query, batchSize: api.batchSize)
        self.spool = spool

        let anomalyAssembler = try await readAnomalies(client: client, query: query, spool: spool)
        if anomalyAssembler.rowCount < api.query.count {
            warnings.append("the anomaly answer held \(anomalyAssembler.rowCount) alerts, fewer than the \(api.query.count) asked for with --n: the date window holds no more")
        }
        report(.anomalies)

        guard pipeline.tables.contains(.objects) else { return }
        let objectIds = anomalyAssembler.objectIds
        objectsTotal = objectIds.count
        let batches = stride(from: 0, to: objectIds.count, by: max(1, api.batchSize)).map {
            Array(objectIds[$0 ..< min($0 + max(1, api.batchSize), objectIds.count)])
        }
        objectsRequestCount = batches.count
        let objects = makeAssembler(for: .objects)
        var truncated: [String] = []
        let limit = client.objectRowLimit
        let total = batches.count
        let what: @Sendable (Int) -> String = { index in "objects response \(index + 1) of \(total)" }
        func account(_ index: Int, _ request: RequestRecord, bytes count: Int, _ stats: BatchAssembler.ResponseStats) {
            if index == 0 { objectsRequest = request }
            bytes += count
            rowsRead += stats.rows
            truncated += stats.rowsPerObject.filter { $0.rows >= limit }.map(\.objectId)
            objectsDone += batches[index].count
            report(.objects)
        }
        // The first answer fixes the table's columns; the others are then read in the fetching
        // tasks, in parallel, and written in batch order.
        if let first = batches.first {
            let fetched = try await Self.fetchOrLoad(0, ids: first, batches: batches, client: client, query: query, spool: spool)
            objects.beginResponse()
            try Self.readAnswer(fetched.body, into: objects, what: what(0))
            account(0, fetched.request, bytes: fetched.body.count, objects.endResponse())
            try objects.fixColumns()
        }
        if let plan = objects.plan, batches.count > 1 {
            try await fetchInOrder(batches, from: 1, client: client, query: query, spool: spool, concurrency: max(1, api.concurrency),
                                   parse: { index, body in try Self.parse(body, plan: plan, what: what(index)) }) { index, parsed in
                for batch in parsed.batches { try self.write(batch, table: .objects) }
                objects.absorb(rows: parsed.rows, lenientNulls: parsed.lenientNulls)
                account(index, parsed.request, bytes: parsed.bytes, parsed.stats)
            }
        }
        try finishTable(objects, truncatedObjects: truncated)
        if !truncated.isEmpty {
            let shown = truncated.prefix(5).joined(separator: ", ") + (truncated.count > 5 ? ", …" : "")
            warnings.append("\(truncated.count) object(s) reached the server's limit of \(limit) rows per object, so their light curves may be cut: \(shown)")
        }
    }

    /// The spool for this export: with --resume, the answers an interrupted run of the same
    /// requests kept; otherwise a new one (an old one is replaced, with a notice).
    private func openSpool(client: FinkClient, query: FinkQuery, batchSize: Int) throws -> AnswerSpool? {
        guard let firstOutput = pipeline.tables.compactMap({ pipeline.layout.files[$0] }).first else { return nil }
        let spool = AnswerSpool(besideOutput: firstOutput)
        let manifest = AnswerSpool.Manifest(client: client, query: query, batchSize: batchSize)
        if spool.exists {
            if pipeline.resume {
                let saved = try spool.manifest()
                guard saved == manifest else {
                    throw SinkError.usage("the interrupted export to \(firstOutput.path) asked for other data (\(Self.difference(saved, manifest))); run without --resume to start over")
                }
                log("resuming: reading the answers already received from \(spool.directory.path)")
                return spool
            }
            log("starting over: the answers kept by an interrupted export to \(firstOutput.path) are discarded (--resume would continue it)")
        } else if pipeline.resume {
            log("nothing to resume for \(firstOutput.path): starting from the beginning")
        }
        guard pipeline.keepAnswers else {
            spool.remove()
            return nil
        }
        try spool.create(manifest)
        return spool
    }

    private static func difference(_ saved: AnswerSpool.Manifest, _ now: AnswerSpool.Manifest) -> String {
        if saved.baseURL != now.baseURL { return "API \(saved.baseURL), now \(now.baseURL)" }
        if saved.batchSize != now.batchSize { return "--batch-size \(saved.batchSize), now \(now.batchSize)" }
        if saved.objectsArguments != now.objectsArguments { return "objects requests \(saved.objectsArguments), now \(now.objectsArguments)" }
        return "anomaly request \(saved.anomalyArguments), now \(now.anomalyArguments)"
    }

    /// An objects answer: from the spool when an earlier run kept it, else from the API (and
    /// then kept).
    private static func fetchOrLoad(_ index: Int, ids: [String], batches: [[String]], client: FinkClient,
                                    query: FinkQuery, spool: AnswerSpool?) async throws -> FetchedBody {
        let name = AnswerSpool.objectsName(index)
        if let saved = try spool?.load(name) { return saved }
        let fetched = try await client.fetchObjects(ids, query: query, label: label(index, batches))
        try spool?.save(fetched, as: name)
        return fetched
    }

    /// Fetches and writes the anomalies table. The body is released on return, so it is not
    /// held through the objects step.
    private func readAnomalies(client: FinkClient, query: FinkQuery, spool: AnswerSpool?) async throws -> BatchAssembler {
        let anomalies: FetchedBody
        if let saved = try spool?.load("anomalies") {
            anomalies = saved
        } else {
            anomalies = try await client.fetchAnomalies(query)
            try spool?.save(anomalies, as: "anomalies")
        }
        anomalyRequest = anomalies.request
        bytes += anomalies.body.count
        let assembler = makeAssembler(for: .anomalies)
        try Self.read(anomalies.body, into: assembler, what: "the anomaly response")
        rowsRead += assembler.rowCount
        try finishTable(assembler)
        return assembler
    }

    /// One objects answer, read into batches by the task that fetched it.
    private struct ParsedResponse: Sendable {
        var request: RequestRecord
        var bytes: Int
        var batches: [RecordBatch]
        var stats: BatchAssembler.ResponseStats
        var rows: Int
        var lenientNulls: [String: Int]
    }

    private static func parse(_ fetched: FetchedBody, plan: BatchAssembler.Plan, what: String) throws -> ParsedResponse {
        var batches: [RecordBatch] = []
        let assembler = BatchAssembler(plan: plan) { batches.append($0) }
        assembler.beginResponse()
        try readAnswer(fetched.body, into: assembler, what: what)
        let stats = assembler.endResponse()
        try assembler.finish()
        return ParsedResponse(request: fetched.request, bytes: fetched.body.count, batches: batches, stats: stats,
                              rows: assembler.rowCount, lenientNulls: assembler.lenientNulls)
    }

    /// Reads one objects answer; a mapping error names the answer, since its row numbers
    /// count from the answer's start.
    private static func readAnswer(_ body: Data, into assembler: BatchAssembler, what: String) throws {
        do {
            try read(body, into: assembler, what: what)
        } catch let error as MappingError {
            throw MappingError("\(what): \(error)")
        }
    }

    private static func label(_ index: Int, _ batches: [[String]]) -> String {
        "objects batch \(index + 1) of \(batches.count): \(describe(batches[index]))"
    }

    /// Fetches `batches[first...]` with up to `concurrency` requests in flight, each task also
    /// `parse`-ing its answer, and hands the results over in batch order, so the output order
    /// never depends on network timing.
    private func fetchInOrder(_ batches: [[String]], from first: Int, client: FinkClient, query: FinkQuery,
                              spool: AnswerSpool?, concurrency: Int,
                              parse: @escaping @Sendable (Int, FetchedBody) throws -> ParsedResponse,
                              handle: (Int, ParsedResponse) throws -> Void) async throws {
        try await withThrowingTaskGroup(of: (Int, ParsedResponse).self) { group in
            var next = first
            var expected = first
            var ready: [Int: ParsedResponse] = [:]
            func launch() {
                guard next < batches.count else { return }
                let index = next
                let ids = batches[index]
                group.addTask {
                    let fetched = try await Self.fetchOrLoad(index, ids: ids, batches: batches, client: client,
                                                             query: query, spool: spool)
                    return (index, try parse(index, fetched))
                }
                next += 1
            }
            for _ in 0 ..< concurrency { launch() }
            while let (index, parsed) = try await group.next() {
                ready[index] = parsed
                while let result = ready.removeValue(forKey: expected) {
                    try handle(expected, result)
                    expected += 1
                    launch()
                }
            }
        }
    }

    private static func describe(_ ids: [String]) -> String {
        ids.count <= 3 ? ids.joined(separator: ",") : "\(ids[0]),\(ids[1]),… (\(ids.count) ids)"
    }

    private func exportFromFiles(_ files: [ExportTable: URL]) throws {
        for table in pipeline.tables {
            guard let file = files[table] else { continue }
            let data: Data
            do {
                data = try Data(contentsOf: file, options: .alwaysMapped)
            } catch {
                throw SinkError.usage("cannot read \(file.path): \((error as NSError).localizedDescription)")
            }
            bytes += data.count
            let assembler = makeAssembler(for: table)
            try Self.read(data, into: assembler, what: file.path, sniff: true)
            rowsRead += assembler.rowCount
            try finishTable(assembler)
            report(table)
        }
    }

    // MARK: Tables

    private func makeAssembler(for table: ExportTable) -> BatchAssembler {
        // A table that is not written is still read: the anomalies name the objects.
        guard pipeline.tables.contains(table), writers[table] != nil else {
            return BatchAssembler(table: table, mapper: pipeline.mapper) { _ in }
        }
        return BatchAssembler(table: table, mapper: pipeline.mapper) { [unowned self] batch in
            try self.write(batch, table: table)
        }
    }

    /// Queues a batch for the table's writer, starting the table on its first batch.
    private func write(_ batch: RecordBatch, table: ExportTable) throws {
        guard let writer = writers[table], pipeline.tables.contains(table) else { return }
        let begins = begun.insert(table).inserted
        try writes.submit {
            if begins { try writer.beginTable(batch.schema) }
            try writer.write(batch)
        }
    }

    /// Reads a body into `assembler`: JSON when `sniff` is false (API answers), otherwise JSON or
    /// the API's CSV by the first byte (saved files; a blank file is an empty CSV table).
    private static func read(_ body: Data, into assembler: BatchAssembler, what: String, sniff: Bool = false) throws {
        var handler = assembler
        do {
            try body.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                if !sniff || looksLikeJSON(bytes) {
                    try JSONRecordReader.read(bytes, into: &handler)
                } else {
                    try CSVRecordReader.read(bytes, into: &handler)
                }
            }
        } catch let error as ReadError {
            throw DataError("\(what) is not a table fink-export can read: \(error)")
        }
    }

    /// JSON starts with `[` or `{` (after blanks or a byte-order mark); the API's CSV never does.
    private static func looksLikeJSON(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF: continue
            case UInt8(ascii: "["), UInt8(ascii: "{"): return true
            case UInt8(ascii: "<"): return true
            default: return false
            }
        }
        return false
    }

    private func finishTable(_ assembler: BatchAssembler, truncatedObjects: [String] = []) throws {
        let schema = try assembler.finish()
        warnings += assembler.warnings
        guard pipeline.tables.contains(assembler.table), let writer = writers[assembler.table] else { return }
        let report = try writes.sync { try writer.endTable() }
        let unrepresentable = report.unrepresentableAsNull
        warnings += report.warnings.map { "\(assembler.table.rawValue): \($0)" }
        if report.rowsAlreadyPresent > 0 {
            warnings.append("\(assembler.table.rawValue): \(report.rowsAlreadyPresent) row(s) were already in the output and were not added again")
        }
        for (column, count) in unrepresentable.sorted(by: { $0.key < $1.key }) {
            warnings.append("\(assembler.table.rawValue): \(count) value(s) of \(MessageText.shown(column)) cannot be held by \(pipeline.layout.format.descriptor.name) and were written as null")
        }
        for (column, count) in assembler.lenientNulls.sorted(by: { $0.key < $1.key }) {
            warnings.append("\(assembler.table.rawValue): \(count) value(s) of \(MessageText.shown(column)) did not fit the column and were written as null (--lenient)")
        }
        tableRecords.append(Provenance.TableRecord(
            name: assembler.table.rawValue, rows: assembler.rowCount - report.rowsAlreadyPresent,
            columns: Provenance.columns(of: schema),
            possiblyTruncatedObjects: truncatedObjects, lenientNulls: assembler.lenientNulls,
            unrepresentableAsNull: unrepresentable))
    }

    private func report(_ table: ExportTable) {
        progress(ExportProgress(table: table, rows: rowsRead, objectsDone: objectsDone, objectsTotal: objectsTotal,
                                bytes: bytes, elapsed: Date().timeIntervalSince(started)))
    }

    private func makeProvenance() -> Provenance {
        let sourceLabel: String
        var requested: Int?
        switch pipeline.source {
        case .api(let api):
            sourceLabel = api.label
            requested = api.query.count
        case .files(let files):
            sourceLabel = "converted from " + files.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value.path)" }.joined(separator: ", ")
        }
        return Provenance(
            tool: "fink-export", toolVersion: FinkExportVersion.current, source: sourceLabel,
            anomalyRequest: anomalyRequest, objectsRequest: objectsRequest, objectsRequestCount: objectsRequestCount,
            anomaliesRequested: requested, exportedAt: Provenance.timestamp(started),
            schemaVersion: pipeline.mapper.catalogue.version, featureNames: pipeline.mapper.catalogue.features.map(\.name),
            nameStyle: pipeline.mapper.options.nameStyle.rawValue, featuresExpanded: pipeline.mapper.options.expandFeatures,
            tables: tableRecords, warnings: warnings)
    }
}

/// Counts retries across concurrent requests.
final class RetryCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// An export that failed in a way another try may get past, with the answers received so
/// far kept for `--resume`.
public struct ResumableFailure: Error, CustomStringConvertible {
    /// What stopped the export.
    public let underlying: Error
    /// Where the answers are kept.
    public let spool: URL

    /// One line for the user.
    public var description: String { "\(underlying)" }
}

/// The data itself is wrong: unreadable bodies or files, values that do not fit.
public struct DataError: Error, Equatable, CustomStringConvertible {
    /// One line for the user.
    public let description: String

    /// Creates an error with its message.
    public init(_ description: String) {
        self.description = description
    }
}
