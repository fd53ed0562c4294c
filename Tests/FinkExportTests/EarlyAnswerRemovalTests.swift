import CSVSink
import FinkExport
import Foundation
import SinkConformance
import Testing

/// The kept objects answers are deleted as soon as every one of them is in hand, while the
/// export still reads and writes the last ones, and never before.
@Suite("Kept answers deleted once all are in hand", .serialized)
struct EarlyAnswerRemovalTests {
    static let names = (0 ..< 3).map(AnswerSpool.objectsName)

    static func answer(_ index: Int) -> FetchedBody {
        let request = #"{"method":"POST","url":"http://127.0.0.1:1/api/v1/objects","body":"{\"objectId\":\"ZTF\#(index)\"}"}"#
        return FetchedBody(request: try! JSONDecoder().decode(RequestRecord.self, from: Data(request.utf8)),
                           body: Data(#"[{"i:objectId":"ZTF\#(index)"}]"#.utf8), attempts: 1)
    }

    static func newSpool(in scratch: ScratchDirectory) throws -> AnswerSpool {
        let spool = AnswerSpool(besideOutput: scratch.path("anomalies.csv"))
        let client = FinkClient(baseURL: URL(string: "http://127.0.0.1:1")!, transport: CurlTransport())
        try spool.create(AnswerSpool.Manifest(client: client, query: FinkQuery(count: 3), batchSize: 1))
        return spool
    }

    /// A new spool armed for the three answers, the first two of them kept (the directory
    /// lives as long as the scratch directory returned with it).
    static func armedWithTwoKept() async throws -> (ScratchDirectory, AnswerSpool) {
        let scratch = try ScratchDirectory()
        let spool = try newSpool(in: scratch)
        spool.removeOnceInHand(names)
        try await spool.keep(answer(0), as: names[0])
        try await spool.keep(answer(1), as: names[1])
        return (scratch, spool)
    }

    static func files(_ spool: AnswerSpool) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: spool.directory.path)) ?? [])
    }

    static func objectsFiles(_ spool: AnswerSpool) -> Set<String> {
        files(spool).filter { $0.hasPrefix("objects-") }
    }

    /// Waits up to ten seconds for `condition`, which the deletion's own thread makes true.
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0 ..< 1000 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        return condition()
    }

    @Test("nothing is deleted until the last answer is kept; then every objects answer goes, the anomaly answer and the manifest stay")
    func deletesOnceAllKept() async throws {
        let (scratch, spool) = try await Self.armedWithTwoKept()
        defer { withExtendedLifetime(scratch) {} }
        try await spool.keep(Self.answer(9), as: "anomalies")
        // Two of three kept: the deletion has not started, so nothing can have gone.
        #expect(Self.objectsFiles(spool).count == 4)
        try await spool.keep(Self.answer(2), as: Self.names[2])
        #expect(try await Self.eventually { Self.objectsFiles(spool).isEmpty }, "left: \(Self.objectsFiles(spool))")
        #expect(Self.files(spool) == ["manifest.json", "anomalies.json", "anomalies.request.json"])
        #expect(spool.holdsAnswers)
        spool.remove()
        #expect(!FileManager.default.fileExists(atPath: spool.directory.path))
    }

    @Test("an answer received once the deletion has started is not written to the spool: it would go at once")
    func lastAnswerNotWritten() async throws {
        let (scratch, spool) = try await Self.armedWithTwoKept()
        defer { withExtendedLifetime(scratch) {} }
        #expect(Self.objectsFiles(spool).count == 4)
        // The last answer is in memory: the deletion starts before its write is even queued.
        spool.received(Self.names[2])
        #expect(try await Self.eventually { Self.objectsFiles(spool).isEmpty }, "left: \(Self.objectsFiles(spool))")
        try await spool.keep(Self.answer(2), as: Self.names[2])
        #expect(Self.objectsFiles(spool).isEmpty, "written after the deletion started: \(Self.objectsFiles(spool))")
        #expect(try spool.load(Self.names[2]) == nil)
    }

    @Test("stopped before every answer is in hand (a failure), it deletes none, even when the last one is kept after")
    func stopBeforeAllKept() async throws {
        let (scratch, spool) = try await Self.armedWithTwoKept()
        defer { withExtendedLifetime(scratch) {} }
        spool.stopEarlyRemoval()
        // An answer still being kept when the export failed.
        try await spool.keep(Self.answer(2), as: Self.names[2])
        try await Task.sleep(for: .milliseconds(200))
        #expect(Self.objectsFiles(spool).count == 6)
        for name in Self.names { #expect(try spool.load(name)?.body == Self.answer(Int(name.suffix(1))!).body) }
    }

    @Test("a resumed export's answers are in hand once read back from the spool")
    func deletesOnceAllLoaded() async throws {
        let scratch = try ScratchDirectory()
        let first = try Self.newSpool(in: scratch)
        for (index, name) in Self.names.enumerated() { try await first.keep(Self.answer(index), as: name) }

        // The resumed run: a new spool on the same directory, two answers read back, one asked again.
        let resumed = AnswerSpool(besideOutput: scratch.path("anomalies.csv"))
        resumed.removeOnceInHand(Self.names)
        #expect(try resumed.load(Self.names[0])?.body == Self.answer(0).body)
        #expect(try resumed.load(Self.names[2])?.body == Self.answer(2).body)
        try await Task.sleep(for: .milliseconds(200))
        #expect(Self.objectsFiles(resumed).count == 6)
        try await resumed.keep(Self.answer(1), as: Self.names[1])
        #expect(try await Self.eventually { Self.objectsFiles(resumed).isEmpty }, "left: \(Self.objectsFiles(resumed))")
    }

    @Test("an answer whose request record is gone (a kill between its two deletions) is asked for again, not read")
    func bodyWithoutRecord() async throws {
        let scratch = try ScratchDirectory()
        let spool = try Self.newSpool(in: scratch)
        try await spool.keep(Self.answer(0), as: Self.names[0])
        unlink(spool.directory.appendingPathComponent(Self.names[0] + ".request.json").path)
        #expect(try spool.load(Self.names[0]) == nil)
        #expect(!spool.holdsAnswers)
    }
}

/// CSV whose `finish` fails with an output error (a full disk, say) once `ready` is true:
/// the end of an export that failed after every answer was in hand.
struct FinishFailingCSV: SinkFormat {
    let ready: @Sendable () -> Bool
    var descriptor: SinkDescriptor {
        let csv = CSVFormat().descriptor
        return SinkDescriptor(name: "csv-failing-at-finish", title: "CSV that fails at its end", extensions: ["csv"],
                              capabilities: csv.capabilities, options: csv.options)
    }

    func makeWriter(destination: SinkDestination, options: SinkOptions) throws -> any TableWriter {
        Writer(csv: try CSVFormat().makeWriter(destination: destination, options: options), path: destination.finalURL.path, ready: ready)
    }

    func fileExtension(options: SinkOptions) -> String { "csv" }

    final class Writer: TableWriter {
        let csv: any TableWriter
        let path: String
        let ready: @Sendable () -> Bool
        init(csv: any TableWriter, path: String, ready: @escaping @Sendable () -> Bool) {
            (self.csv, self.path, self.ready) = (csv, path, ready)
        }

        func beginTable(_ schema: TableSchema) throws { try csv.beginTable(schema) }
        func write(_ batch: RecordBatch) throws { try csv.write(batch) }
        func endTable() throws -> TableWriteReport { try csv.endTable() }
        func finish(provenance: Provenance) throws {
            for _ in 0 ..< 1000 where !ready() { usleep(10_000) }
            throw SinkError.write(path: path, action: "flushing", reason: "No space left on device")
        }

        func close() { csv.close() }
    }
}

extension ResumeTests {
    static func pipeline(_ api: FlakyAPI, to directory: URL, registry: SinkRegistry, resume: Bool = false) throws -> ExportPipeline {
        let client = FinkClient(baseURL: URL(string: api.url)!, transport: CurlTransport())
        let format = registry.formats.first!.descriptor.name
        return try ExportPipeline(source: .api(.init(client: client, query: FinkQuery(count: 12), batchSize: 2, concurrency: 2)),
                                  tables: [.anomalies, .objects], mapper: try SchemaMapper(options: MappingOptions()),
                                  layout: try OutputLayout(path: directory.path + "/", formatName: format, optionAssignments: [],
                                                           tables: [.anomalies, .objects], registry: registry),
                                  resume: resume, keepAnswers: true)
    }

    @Test("a failure after every answer was in hand keeps what was not yet deleted; --resume asks again for the rest, same rows")
    func failureAfterAllInHand() async throws {
        let api = try FlakyAPI()
        let scratch = try ScratchDirectory()
        let clean = scratch.path("clean"), output = scratch.path("out")
        let csv = try SinkRegistry([CSVFormat()])
        api.failObjects(after: nil)
        _ = try await Self.pipeline(api, to: clean, registry: csv).run()
        let allRequests = api.objectsRequests
        #expect(allRequests.count >= 4)

        // The writer fails at its end, once the deletion has taken every objects answer.
        let spool = AnswerSpool(besideOutput: output.appendingPathComponent("anomalies.csv"))
        let objectsGone: @Sendable () -> Bool = {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: spool.directory.path)) ?? []
            return !names.isEmpty && !names.contains { $0.hasPrefix("objects-") }
        }
        api.failObjects(after: nil)
        let failing = try SinkRegistry([FinishFailingCSV(ready: objectsGone)])
        do {
            _ = try await Self.pipeline(api, to: output, registry: failing).run()
            Issue.record("the export did not fail")
        } catch let failure as ResumableFailure {
            #expect(failure.spool.path == spool.directory.path)
        }
        #expect(spool.holdsAnswers, "the anomaly answer should stay for --resume")
        #expect(Self.visible(output).isEmpty, "a failed export left \(Self.visible(output))")

        api.failObjects(after: nil)
        _ = try await Self.pipeline(api, to: output, registry: csv, resume: true).run()
        #expect(api.objectsRequests.sorted() == allRequests.sorted())
        for file in ["anomalies.csv", "objects.csv"] {
            #expect(try Data(contentsOf: output.appendingPathComponent(file)) == Data(contentsOf: clean.appendingPathComponent(file)),
                    "\(file) differs from the clean run")
        }
        let hidden = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "left behind: \(hidden)")
    }
}
