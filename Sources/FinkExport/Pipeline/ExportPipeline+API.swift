import Foundation

/// The two steps of an export from the API: the anomalies, then every alert of their objects.
extension ExportPipeline {
    /// Writes the anomalies table from the anomaly answer (fetched, or loaded from the spool).
    /// With a shard, only the rows of the shard's objects are kept (and so named for the
    /// objects step).
    func exportAnomalies(_ fetched: FetchedBody, requested: Int, shard: Shard?, into writers: WriterSet, meter: ExportMeter,
                         provenance: inout ProvenanceBuilder) async throws -> TableLedger {
        provenance.anomalyRequest = fetched.request
        let assembler = BatchAssembler(table: .anomalies, mapper: mapper)
        if let shard { assembler.keepsObject = { shard.contains(objectId: $0) } }
        var reader = try AnswerReader(body: fetched.body, source: .anomalyAnswer, into: assembler)
        var ledger = TableLedger(table: .anomalies)
        try await copy(&reader, to: &ledger, writers: writers)
        try await close(&ledger, schema: try assembler.finish(), writers: writers)
        // The answer's records, those of other shards included: what the API sent.
        if assembler.records < requested { ledger.warn(.fewerAnomalies(received: assembler.records, requested: requested)) }
        meter.answered(.anomalies, rows: ledger.rows, bytes: fetched.body.count)
        return ledger
    }

    /// Fetches the objects in batches of ids, several requests in flight, and writes the
    /// objects table in batch order. The first answer fixes the table's columns; the others
    /// are then read by the tasks that fetch them, in parallel. Their requests go out with the
    /// first one, not after it has been read: only their parsing waits for the columns.
    func exportObjects(of objectIds: [String], _ fetcher: AnswerFetcher, api: ExportSource.APISource,
                       into writers: WriterSet, meter: ExportMeter,
                       provenance: inout ProvenanceBuilder) async throws -> TableLedger {
        let size = max(1, api.batchSize)
        let batches = stride(from: 0, to: objectIds.count, by: size).map { Array(objectIds[$0 ..< min($0 + size, objectIds.count)]) }
        let limit = fetcher.client.objectRowLimit
        meter.expectObjects(objectIds.count)
        provenance.objectsRequestCount = batches.count
        var ledger = TableLedger(table: .objects)
        let assembler = BatchAssembler(table: .objects, mapper: mapper)
        if !batches.isEmpty {
            // Once every answer is in memory, the kept ones are needed only if the export fails
            // from then on: their deletion, slow on a disk that trims, runs beside the rest.
            fetcher.spool?.removeOnceInHand(batches.indices.map(AnswerSpool.objectsName))
            let plan = PendingValue<BatchAssembler.Plan>()
            let parsing = WorkSlots.besideWriter()
            try await OrderedFetch.run(0 ..< batches.count, concurrency: api.concurrency, byteBudget: api.answerBytesInFlight,
                                       weight: { $0.bytes }, job: { index in
                if index == 0 { return ObjectsAnswer.unread(try await fetcher.objects(0, of: batches) { $0 }) }
                return ObjectsAnswer.read(try await fetcher.objects(index, of: batches) { fetched in
                    let plan = try await plan.value()
                    return try await parsing.run {
                        var reader = try AnswerReader(body: fetched.body, source: .objectsAnswer(index: index, count: batches.count),
                                                      into: BatchAssembler(plan: plan))
                        return ReadAnswer(batches: try reader.readAll(), stats: reader.stats, bytes: fetched.body.count)
                    }
                })
            }, deliver: { index, answer in
                switch answer {
                case .unread(let first):
                    // Read here, its rows going to the writers as they come, so the columns
                    // are learnt from it; the other answers' tasks wait for them, which the
                    // first batch fixes (a key first seen after it is an error), not the last.
                    let rows: Int
                    do {
                        var reader = try AnswerReader(body: first.body, source: .objectsAnswer(index: 0, count: batches.count), into: assembler)
                        try await copy(&reader, to: &ledger, writers: writers, rowLimit: limit) {
                            if let fixed = assembler.plan { await plan.provide(fixed) }
                        }
                        rows = reader.stats.rows
                        try assembler.finish()
                        await plan.provide(assembler.plan!)
                    } catch {
                        await plan.fail(error)
                        throw error
                    }
                    provenance.objectsRequest = first.request
                    meter.answered(.objects, rows: rows, bytes: first.body.count, objects: batches[0].count)
                case .read(let answer):
                    try await copy(answer, to: &ledger, writers: writers, rowLimit: limit)
                    meter.answered(.objects, rows: answer.stats.rows, bytes: answer.bytes, objects: batches[index].count)
                }
            })
        }
        let schema = try assembler.finish()
        try await close(&ledger, schema: schema, writers: writers, rowLimit: limit)
        return ledger
    }
}

/// An objects answer as its task hands it over: the first one unread (it is read as it is
/// written, to learn the columns), the others read into batches by the task that fetched them.
enum ObjectsAnswer: Sendable {
    case unread(FetchedBody)
    case read(ReadAnswer)

    /// The answer's size, for the budget of answers held.
    var bytes: Int {
        switch self {
        case .unread(let fetched): fetched.body.count
        case .read(let answer): answer.bytes
        }
    }
}

/// One objects answer, read into batches by the task that fetched it.
struct ReadAnswer: Sendable {
    var batches: [RecordBatch]
    var stats: AnswerStats
    var bytes: Int
}
