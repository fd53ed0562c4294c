import CSVSink
import FinkExport
import FinkStandin
import Foundation
import JSONLinesSink
import SinkConformance
import Synchronization
import Testing

@Suite("End to end: real HTTP over loopback against fink-standin", .serialized)
struct EndToEndTests {
    static let registry = try! SinkRegistry([CSVFormat(), JSONLinesFormat()])

    struct Run {
        let summary: ExportSummary
        let directory: ScratchDirectory
    }

    static func export(_ client: FinkClient, query: FinkQuery = FinkQuery(count: 15), format: String,
                       options: MappingOptions = MappingOptions(), batchSize: Int = 3, concurrency: Int = 3,
                       tables: [ExportTable] = [.anomalies, .objects]) async throws -> Run {
        let directory = try ScratchDirectory()
        let pipeline = try ExportPipeline(
            source: .api(.init(client: client, query: query, batchSize: batchSize, concurrency: concurrency)),
            tables: tables, mapper: try SchemaMapper(options: options),
            layout: try OutputLayout(path: directory.url.path + "/", formatName: format, optionAssignments: [],
                                     tables: tables, registry: registry))
        return Run(summary: try await pipeline.run(), directory: directory)
    }

    /// The columns a full export of `table` must have, from the stand-in's dataset (the
    /// columns its endpoint serves) and the catalogue's feature list: never from the export.
    static func expectedSchema(_ table: ExportTable, harness: StandinHarness) -> TableSchema {
        let features = ColumnCatalogue.builtin.features
        var fields: [Field] = []
        for column in harness.dataset.columns where column.endpoints.contains(table.endpoint) {
            if column.expandsFeatures {
                for (index, feature) in features.enumerated() {
                    fields.append(Field(name: "\(column.name)_\(feature.name)", sourceName: column.name, type: .double,
                                        origin: .feature(index: index)))
                }
            } else {
                fields.append(Field(name: column.name, sourceName: column.name, type: column.type))
            }
        }
        return TableSchema(name: table.rawValue, fields: fields)
    }

    /// The rows of an exported table, read by an independent reader; the header (CSV) or every
    /// line's keys (JSON Lines) must be the expected columns, in order.
    static func read(_ run: Run, _ table: ExportTable, format: String, schema: TableSchema) throws -> [[Value]] {
        let url = run.directory.path("\(table.rawValue).\(format)")
        let names = schema.fields.map(\.name)
        if format == "csv" {
            let read = try ExportReader.csv(url, schema: schema)
            #expect(read.header == names)
            return read.rows
        }
        let read = try ExportReader.jsonLines(url, schema: schema)
        #expect(read.keys.allSatisfy { $0 == names }, "JSON Lines keys differ from the expected columns")
        return read.rows
    }

    /// A narrower export's rows, typed by the export's own provenance (the columns themselves
    /// are checked elsewhere).
    static func read(_ run: Run, _ table: ExportTable, format: String) throws -> [[Value]] {
        let record = run.summary.provenance.table(table.rawValue)!
        let schema = TableSchema(name: table.rawValue, fields: record.columns.map {
            Field(name: $0.name, sourceName: $0.source, type: ColumnType(rawValue: $0.type)!)
        })
        let url = run.directory.path("\(table.rawValue).\(format)")
        return format == "csv" ? try ExportReader.csv(url, schema: schema).rows : try ExportReader.jsonLines(url, schema: schema).rows
    }

    /// Checks every cell of an exported table against the dataset.
    static func expectMatches(_ rows: [[Value]], schema: TableSchema, expected: [(object: Int, alert: Int)],
                              harness: StandinHarness, format: String) {
        #expect(rows.count == expected.count)
        var cache: [Int: [StandinValue]] = [:]
        var mismatches = 0
        for (row, (object, alert)) in zip(rows, expected) {
            for (index, field) in schema.fields.enumerated() {
                var want = harness.expectedValue(field, object: object, alert: alert, row: &cache)
                // JSON has no infinity: the sink writes null and counts it.
                if format == "jsonl", case .real(let value) = want, value.isInfinite { want = .null }
                if row[index] != want {
                    mismatches += 1
                    if mismatches <= 5 {
                        Issue.record("\(schema.name) object \(object) alert \(alert) \(field.name): got \(row[index]), want \(want)")
                    }
                }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("every exported value equals the stand-in's dataset: NaN/null, 64-bit ids, unicode, features",
          arguments: ["csv", "jsonl"])
    func valuesMatchDataset(format: String) async throws {
        let harness = try StandinHarness()
        let run = try await Self.export(harness.client(), format: format)
        let provenance = run.summary.provenance

        let anomalySchema = Self.expectedSchema(.anomalies, harness: harness)
        let expectedAnomalies = try harness.expectedAnomalies(count: 15)
        Self.expectMatches(try Self.read(run, .anomalies, format: format, schema: anomalySchema), schema: anomalySchema,
                           expected: expectedAnomalies, harness: harness, format: format)

        var ids: [String] = []
        for (object, _) in expectedAnomalies where !ids.contains(harness.dataset.objects[object].id) {
            ids.append(harness.dataset.objects[object].id)
        }
        let objectSchema = Self.expectedSchema(.objects, harness: harness)
        let expectedObjects = harness.expectedObjects(ids: ids, batchSize: 3)
        Self.expectMatches(try Self.read(run, .objects, format: format, schema: objectSchema), schema: objectSchema,
                           expected: expectedObjects, harness: harness, format: format)

        #expect(provenance.table("objects")?.rows == expectedObjects.count)
        #expect(provenance.objectsRequestCount == (ids.count + 2) / 3)
        #expect(provenance.anomalyRequest?.body == #"{"n":15,"output-format":"json"}"#)
        #expect(try run.directory.entries() == ["anomalies.\(format)", "anomalies.\(format).meta.json",
                                                "objects.\(format)", "objects.\(format).meta.json"])
    }

    @Test("with 5xx answers, cut-off bodies, dropped connections and slow answers the export is identical")
    func faultsGiveIdenticalExport() async throws {
        let clean = try StandinHarness(objects: 10, maxAlerts: 120)
        let reference = try await Self.export(clean.client(), format: "csv")
        let faulty = try StandinHarness(objects: 10, maxAlerts: 120, faults: FaultPlan(
            serverErrors: 0.3, cutBodies: 0.1, droppedConnections: 0.05, slowResponses: 0.1, slowSeconds: 0.05, seed: 7))
        let run = try await Self.export(faulty.client(retries: 12), format: "csv")
        #expect(run.summary.retries > 0)
        for table in ["anomalies.csv", "objects.csv"] {
            #expect(try Data(contentsOf: run.directory.path(table)) == Data(contentsOf: reference.directory.path(table)))
        }
    }

    /// What a server saw of the objects requests: how many had arrived when the first answer went.
    final class ObjectsRequestLog: Sendable {
        let state = Mutex((arrived: 0, arrivedWhenFirstAnswered: 0))
    }

    @Test("the objects requests after the first go out with it, not once its answer has been read")
    func objectsRequestsGoOutTogether() async throws {
        let harness = try StandinHarness(objects: 10, maxAlerts: 120)
        let reference = try await Self.export(harness.client(), format: "csv")
        let api = harness.api
        let log = ObjectsRequestLog()
        // Each objects answer waits (up to 5 s) for a second objects request: an export that
        // sends the second only once it has read the first answer gets it after 5 s, alone.
        let server = LoopbackServer { request in
            guard request.path.hasSuffix("objects") else { return api.respond(to: request) }
            log.state.withLock { $0.arrived += 1 }
            for _ in 0 ..< 500 where log.state.withLock({ $0.arrived }) < 2 { usleep(10_000) }
            log.state.withLock { state in
                if state.arrivedWhenFirstAnswered == 0 { state.arrivedWhenFirstAnswered = state.arrived }
            }
            return api.respond(to: request)
        }
        let port = try server.start()
        defer { server.stop() }
        var client = harness.client()
        client.baseURL = URL(string: "http://127.0.0.1:\(port)")!
        let run = try await Self.export(client, format: "csv")
        #expect(run.summary.provenance.objectsRequestCount > 2)
        #expect(log.state.withLock { $0.arrivedWhenFirstAnswered } >= 2)
        for table in ["anomalies.csv", "objects.csv"] {
            #expect(try Data(contentsOf: run.directory.path(table)) == Data(contentsOf: reference.directory.path(table)))
        }
    }

    @Test("answers of many batches read with the columns the first batch fixed: the same rows as whole-answer batches")
    func smallBatches() async throws {
        let harness = try StandinHarness(objects: 10, maxAlerts: 120)
        let reference = try await Self.export(harness.client(), format: "csv")
        // Seven rows a batch: the first answer's first batch fixes the columns long before
        // its end, and the other answers are read from then on.
        let run = try await Self.export(harness.client(), format: "csv", options: MappingOptions(batchRows: 7))
        #expect(run.summary.provenance.table("objects")!.rows > 7 * run.summary.provenance.objectsRequestCount)
        for table in ["anomalies.csv", "objects.csv"] {
            #expect(try Data(contentsOf: run.directory.path(table)) == Data(contentsOf: reference.directory.path(table)))
        }
    }

    @Test("when retries run out the error names the request and no output is left")
    func retriesExhausted() async throws {
        let harness = try StandinHarness(objects: 4, maxAlerts: 40, faults: FaultPlan(serverErrors: 1))
        let directory = try ScratchDirectory()
        let pipeline = try ExportPipeline(
            source: .api(.init(client: harness.client(retries: 2), query: FinkQuery(count: 5))),
            tables: [.anomalies, .objects], mapper: try SchemaMapper(),
            layout: try OutputLayout(path: directory.url.path + "/", formatName: "csv", optionAssignments: [],
                                     tables: [.anomalies, .objects], registry: Self.registry))
        await #expect {
            try await pipeline.run()
        } throws: { error in
            guard let error = error as? FinkAPIError else { return false }
            return error.request.url == harness.baseURL.absoluteString + "/api/v1/anomaly" && error.failure == .exhausted(tries: 3)
                && error.status == 503 && error.label == "the anomaly request"
        }
        #expect(try directory.entries().isEmpty)
    }

    @Test("HTTP 400 and 500 bodies as the API writes them become one clear line, and nothing is written",
          arguments: [
            (400, "{'status': 'error', 'text': 'A value for `objectId` is required. See https://api.ztf.fink-portal.org \\n'}",
             "A value for `objectId` is required"),
            (500, "{\"message\": \"Internal Server Error\"}\n", "Internal Server Error"),
          ])
    func httpErrors(status: Int, body: String, message: String) async throws {
        let harness = try StandinHarness(objects: 4, maxAlerts: 40)
        let api = harness.api
        // Anomalies answer normally; every objects request fails the way the API fails.
        let server = LoopbackServer { request in
            request.path.hasSuffix("objects") ? HTTPResponse(status: status, body: Data(body.utf8)) : api.respond(to: request)
        }
        let port = try server.start()
        defer { server.stop() }
        var client = harness.client(retries: 1)
        client.baseURL = URL(string: "http://127.0.0.1:\(port)")!
        let directory = try ScratchDirectory()
        let pipeline = try ExportPipeline(
            source: .api(.init(client: client, query: FinkQuery(count: 5))), tables: [.anomalies, .objects],
            mapper: try SchemaMapper(),
            layout: try OutputLayout(path: directory.url.path + "/", formatName: "jsonl", optionAssignments: [],
                                     tables: [.anomalies, .objects], registry: Self.registry))
        await #expect {
            try await pipeline.run()
        } throws: { error in
            guard let error = error as? FinkAPIError else { return false }
            // 400 is refused at once; 500 is retried, then given up.
            let failure: FinkAPIError.Failure = status == 400 ? .refused : .exhausted(tries: 2)
            return error.request.url.hasSuffix("/api/v1/objects") && error.status == status && error.failure == failure
                && error.reason.hasPrefix("HTTP \(status): \(message)") && !error.description.contains("\n")
        }
        #expect(try directory.entries().isEmpty)
    }

    @Test("objects at the per-object row limit are reported as possibly cut; a short anomaly answer is stated")
    func shortResults() async throws {
        let harness = try StandinHarness(objects: 6, maxAlerts: 200, rowLimit: 50)
        let run = try await Self.export(harness.client(rowLimit: 50), query: FinkQuery(count: 500), format: "jsonl")
        let truncated = run.summary.provenance.table("objects")!.possiblyTruncatedObjects
        let atLimit = harness.dataset.objects.filter { $0.alertJDs.count >= 50 }.map(\.id)
        #expect(!truncated.isEmpty)
        #expect(Set(truncated) == Set(atLimit))
        #expect(run.summary.warnings.contains(.possiblyTruncated(objects: truncated, limit: 50)))
        #expect(run.summary.warnings.contains(.fewerAnomalies(received: harness.dataset.anomalies.count, requested: 500)))
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: run.directory.path("objects.jsonl.meta.json"))) as! [String: Any]
        let tables = sidecar["tables"] as! [[String: Any]]
        #expect(Set(tables[0]["possiblyTruncatedObjects"] as! [String]) == Set(atLimit))
    }

    @Test("the date window and --columns reach the API and shape the output")
    func windowAndColumns() async throws {
        let harness = try StandinHarness(objects: 30, maxAlerts: 60)
        let query = FinkQuery(count: 50, startDate: "2024-01-01", stopDate: "2025-06-30")
        let run = try await Self.export(harness.client(), query: query, format: "csv",
                                        options: MappingOptions(columns: ["i:jd", "i:magpsf", "d:lc_features_r"]),
                                        tables: [.anomalies])
        let expected = try harness.expectedAnomalies(count: 50, start: "2024-01-01", stop: "2025-06-30")
        let record = run.summary.provenance.table("anomalies")!
        #expect(record.rows == expected.count)
        #expect(record.columns.map(\.name).prefix(3) == ["i:objectId", "i:jd", "i:magpsf"])
        #expect(record.columns.count == 3 + 26)
        #expect(run.summary.provenance.anomalyRequest?.body
            == #"{"columns":"i:objectId,i:jd,i:magpsf,d:lc_features_r","n":50,"output-format":"json","start_date":"2024-01-01","stop_date":"2025-06-30"}"#)
        let jds = try Self.read(run, .anomalies, format: "csv").map { $0[1] }
        #expect(jds == expected.map { .real(harness.dataset.objects[$0.object].alertJDs[$0.alert]) })
    }

    @Test("upper-limit rows with string-typed numbers come through typed")
    func upperLimits() async throws {
        let harness = try StandinHarness(objects: 3, maxAlerts: 30)
        var query = FinkQuery(count: 3)
        query.withUpperLimits = true
        let run = try await Self.export(harness.client(), query: query, format: "jsonl",
                                        options: MappingOptions(columns: ["i:candid", "i:jd", "i:fid", "i:diffmaglim", "d:tag"]),
                                        tables: [.objects])
        let schema = TableSchema(name: "objects", fields: run.summary.provenance.table("objects")!.columns.map {
            Field(name: $0.name, sourceName: $0.source, type: ColumnType(rawValue: $0.type)!)
        })
        let rows = try ExportReader.jsonLines(run.directory.path("objects.jsonl"), schema: schema).rows
        let limits = rows.filter { $0[5] == .text("upperlim") }
        #expect(!limits.isEmpty)
        for row in limits {
            #expect(row[1] == .integer(-1))
            guard case .integer(let fid) = row[3], case .real = row[4] else {
                Issue.record("upper-limit row not typed: \(row)")
                continue
            }
            #expect(fid == 1 || fid == 2)
        }
    }
}
