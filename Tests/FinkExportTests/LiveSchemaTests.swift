import FinkExport
import FinkStandin
import Foundation
import SinkConformance
import Testing

@Suite("The live schema: what /api/v1/schema says, merged with the catalogue")
struct LiveSchemaParsingTests {
    @Test("families, Avro unions and Fink's words become column types; unknown types are kept apart")
    func parsing() throws {
        let body = #"""
            {"ZTF original fields (i:)": {"jd": {"type": "double", "doc": "JD"}, "magpsf": {"type": ["null", "float"], "doc": "mag"}},
             "Fink science module outputs (d:)": {"new_thing": {"type": ["null", "long"], "doc": "new"}, "odd": {"type": {"type": "map"}, "doc": ""},
                                                  "gaiaClass": {"type": "str", "doc": "class"}},
             "ZTF original cutouts (b:)": {"cutoutScience_stampData": {"type": "bytes", "doc": ""}},
             "something else": {"x": {"type": "int"}}}
            """#
        let live = try LiveSchema(json: Data(body.utf8))
        let types = Dictionary(uniqueKeysWithValues: live.columns.map { ($0.name, $0.type) })
        #expect(types["i:jd"] == .double && types["i:magpsf"] == .float && types["d:new_thing"] == .long)
        #expect(types["d:gaiaClass"] == .string)
        #expect(types["d:odd"] == .some(nil))
        #expect(types["x"] == nil)
        let merge = ColumnCatalogue.builtin.merging(live)
        #expect(merge.added == ["d:new_thing"])
        #expect(merge.untyped == ["d:odd"])
        #expect(merge.catalogue["d:new_thing"]?.description == "new")
        #expect(merge.catalogue["i:magpsf"] == ColumnCatalogue.builtin["i:magpsf"])
    }

    @Test("a body that is not the schema's shape is refused with the reason", arguments: [
        ("{\"ZTF original fields (i:)\": {\"jd\": {\"ty", "is not JSON"), ("<!DOCTYPE html><html></html>", "HTML"),
        ("[1, 2]", "is not a JSON object"), ("{\"a\": 1}", "names no column family"),
        ("{\"ZTF original fields (i:)\": {\"jd\": {\"doc\": \"x\"}}}", "without a type"),
    ])
    func refused(body: String, reason: String) {
        #expect(throws: LiveSchema.FormatError.self) { try LiveSchema(json: Data(body.utf8)) }
        #expect((try? LiveSchema(json: Data(body.utf8))) == nil)
        do { _ = try LiveSchema(json: Data(body.utf8)) } catch { #expect("\(error)".contains(reason), "\(error)") }
    }

    @Test("the stand-in's schema agrees with the catalogue; a retyped, added and removed column are each reported")
    func difference() throws {
        let api = StandinAPI(dataset: StandinDataset(.init(objectCount: 3, maximumAlerts: 20)))
        let body = api.respond(to: HTTPRequest(method: "GET", url: URL(string: "http://x/api/v1/schema")!, headers: [:], body: Data(), timeout: 5)).body
        let live = try LiveSchema(json: body)
        #expect(ColumnCatalogue.builtin.difference(from: live).isEmpty)
        var changed = live
        changed.columns.removeAll { $0.name == "i:fid" }
        changed.columns[changed.columns.firstIndex { $0.name == "i:jd" }!].type = .string
        changed.columns[changed.columns.firstIndex { $0.name == "i:jd" }!].typeText = "string"
        changed.columns.append(.init(name: "d:new_thing", type: .long, typeText: "long", doc: ""))
        let difference = ColumnCatalogue.builtin.difference(from: changed)
        #expect(difference.added == ["d:new_thing"] && difference.removed == ["i:fid"])
        #expect(difference.retyped.map(\.name) == ["i:jd"])
    }
}

extension InProcessHDF5 {
    @Suite("A column Fink adds mid-export is typed from /api/v1/schema in every format", .serialized)
    struct LiveSchemaExportTests {
        static let sinks = EveryFormat.sinks

        /// A stand-in whose late column is carried only by the objects after the first batch of two.
        static func harness(answer: StandinSchema.Answer = .schema) throws -> (StandinHarness, ids: [String]) {
            let probe = try StandinHarness(objects: 8, maxAlerts: 30)
            var ids: [String] = []
            for (object, _) in try probe.expectedAnomalies(count: 8) where !ids.contains(probe.dataset.objects[object].id) {
                ids.append(probe.dataset.objects[object].id)
            }
            let late = Set(ids.dropFirst(2).map { probe.dataset.index(ofObject: $0)! })
            let harness = try StandinHarness(objects: 8, maxAlerts: 30,
                                             schema: StandinSchema(answer: answer, lateColumn: .init(objects: late)))
            return (harness, ids)
        }

        static func pipeline(_ harness: StandinHarness, to url: URL, retries: Int = 5) throws -> ExportPipeline {
            try ExportPipeline(
                source: .api(.init(client: harness.client(retries: retries), query: FinkQuery(count: 8), batchSize: 2, concurrency: 2)),
                tables: [.objects], mapper: try SchemaMapper(),
                layout: try OutputLayout(path: url.path, formatName: nil, optionAssignments: [], tables: [.objects],
                                         registry: try SinkRegistry(sinks.map(\.format))))
        }

        @Test("the late column is there from the first row, typed float, with every value", arguments: EveryFormat.indices)
        func everyFormat(_ index: Int) async throws {
            let (_, file, reader) = Self.sinks[index]
            let (harness, ids) = try Self.harness()
            let scratch = try ScratchDirectory()
            let url = scratch.path(file)
            let summary = try await Self.pipeline(harness, to: url).run()
            #expect(summary.provenance.liveSchema?.used == true)
            #expect(summary.provenance.liveSchema?.columnsAdded == ["d:late_score"])

            var schema = EndToEndTests.expectedSchema(.objects, harness: harness)
            schema.fields.append(Field(name: "d:late_score", sourceName: "d:late_score", type: .float, origin: .catalogue))
            let table = try #require(try reader.read(files: [url], schemas: [schema]).first)
            #expect(table.columns.last == "d:late_score")
            let expected = harness.expectedObjects(ids: ids, batchSize: 2)
            #expect(table.rows.count == expected.count)
            let late = try #require(harness.api.schema.lateColumn)
            var mismatches = 0
            for (row, (object, alert)) in zip(table.rows, expected) {
                let want: ReadValue
                if late.objects.contains(object), case .real(let value) = late.value(object: object, alert: alert) {
                    want = .real(value)
                } else {
                    want = .null
                }
                if row.last != want {
                    mismatches += 1
                    if mismatches <= 3 { Issue.record("\(file) object \(object) alert \(alert): got \(String(describing: row.last)), want \(want)") }
                }
            }
            #expect(mismatches == 0)
        }

        @Test("a schema that cannot be read (503 after retries, cut-off JSON, an HTML page) is one notice; a late column is then the error naming /api/v1/schema",
              arguments: [StandinSchema.Answer.unavailable, .malformed, .html])
        func unreadable(_ answer: StandinSchema.Answer) async throws {
            let (harness, _) = try Self.harness(answer: answer)
            let scratch = try ScratchDirectory()
            let notices = NoticeCollector()
            await #expect { try await Self.pipeline(harness, to: scratch.path("objects.csv"), retries: 1).run(notice: notices.add) } throws: { error in
                // The mapping error arrives inside the data error naming the answer it came in.
                let text = "\(error)"
                return error is DataError && text.contains("column d:late_score appears in the data after") && text.contains("/api/v1/schema")
            }
            #expect(notices.all.filter { if case .liveSchemaUnavailable = $0 { return true } else { return false } }.count == 1)
            #expect(try scratch.entries().isEmpty)

            // Without a late column the export succeeds, and provenance says the schema was not read.
            let plain = try StandinHarness(objects: 4, maxAlerts: 20, schema: StandinSchema(answer: answer))
            let summary = try await Self.pipeline(plain, to: scratch.path("plain.csv"), retries: 1).run()
            #expect(summary.provenance.liveSchema?.used == false)
            #expect(summary.provenance.liveSchema?.failure?.isEmpty == false)
        }

        @Test("the anomaly request goes out while the schema is read, not after: one round trip fewer before the first rows")
        func schemaBesideAnomalies() async throws {
            let (harness, _) = try Self.harness()
            let transport = SchemaHeldTransport(inner: CurlTransport())
            let scratch = try ScratchDirectory()
            var pipeline = try Self.pipeline(harness, to: scratch.path("objects.csv"))
            guard case .api(var api) = pipeline.source else { return }
            api.client = FinkClient(baseURL: harness.baseURL, transport: transport, timeout: 30)
            pipeline.source = .api(api)
            let summary = try await pipeline.run()
            // The schema's answer was held until the anomaly request was sent (2 s at most): sent
            // one after the other, the anomaly request would only have gone once the wait ran out.
            #expect(transport.anomalySentWhileSchemaHeld)
            #expect(summary.provenance.liveSchema?.used == true)
        }
    }
}

/// A transport that holds the schema request's answer until an anomaly request has been sent
/// (or two seconds have passed), and records which happened.
final class SchemaHeldTransport: Transport, @unchecked Sendable {
    private let inner: any Transport
    private let anomalySent = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var sawAnomalyWhileHeld = false

    init(inner: any Transport) {
        self.inner = inner
    }

    var anomalySentWhileSchemaHeld: Bool { lock.withLock { sawAnomalyWhileHeld } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        if request.path.hasSuffix("/api/v1/anomaly") { anomalySent.signal() }
        if request.path.hasSuffix("/api/v1/schema") {
            let semaphore = anomalySent
            let arrived = await Task.detached { semaphore.wait(timeout: .now() + 2) == .success }.value
            lock.withLock { sawAnomalyWhileHeld = arrived }
        }
        return try await inner.send(request)
    }
}

/// Collects an export's notices.
final class NoticeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var notices: [ExportNotice] = []

    func add(_ notice: ExportNotice) {
        lock.withLock { notices.append(notice) }
    }

    var all: [ExportNotice] { lock.withLock { notices } }
}

@Suite("fink-export columns --check: the catalogue against the live schema")
struct ColumnsCheckTests {
    static func served(_ schema: StandinSchema) throws -> LoopbackServer {
        let api = StandinAPI(dataset: StandinDataset(.init(objectCount: 3, maximumAlerts: 20)), schema: schema)
        return LoopbackServer { api.respond(to: $0) }
    }

    @Test("agreeing (the sample API) is exit 0; an added column is exit 1 and named; a page that is not a schema is exit 65")
    func check() throws {
        let agreeing = try CLI.run(["columns", "--check", "--sample"])
        #expect(agreeing.status == 0, "\(agreeing.stderr)")
        #expect(agreeing.stdout.hasSuffix("agree\n"))

        let differing = try Self.served(StandinSchema(lateColumn: .init(objects: [1])))
        let port = try differing.start()
        defer { differing.stop() }
        let result = try CLI.run(["columns", "--check", "--api-url", "http://127.0.0.1:\(port)"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("added    d:late_score  float"))
        #expect(result.stdout.contains("differ: 1 added, 0 removed, 0 retyped"))

        let html = try Self.served(StandinSchema(answer: .html))
        let htmlPort = try html.start()
        defer { html.stop() }
        let refused = try CLI.run(["columns", "--check", "--api-url", "http://127.0.0.1:\(htmlPort)"])
        #expect(refused.status == 65)
        #expect(refused.stderr.hasPrefix("fink-export: error: ") && refused.stderr.contains("HTML page"))

        let unreachable = try CLI.run(["columns", "--check", "--api-url", "http://127.0.0.1:1", "--retries", "0"])
        #expect(unreachable.status == 69)
    }
}
