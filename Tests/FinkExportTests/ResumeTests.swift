import FinkExport
import FinkStandin
import Foundation
import SinkConformance
import Testing

/// `--resume`: an export that stopped part-way is finished from the answers it kept, asking the
/// API only for what it had not received, and ends with exactly the rows of a clean run.
@Suite("Resuming an interrupted export", .serialized)
struct ResumeTests {
    /// The stand-in's API behind a switch that fails every objects request after the first
    /// `objectsAnswersBeforeFailing`, and a log of the objects requests it answered.
    final class FlakyAPI: @unchecked Sendable {
        let api = StandinAPI(dataset: StandinDataset(.init(objectCount: 10, maximumAlerts: 80)))
        private let lock = NSLock()
        private var answered: [String] = []
        private var failAfter: Int?
        var server: LoopbackServer!
        var url = ""

        init() throws {
            server = LoopbackServer { [unowned self] request in self.respond(to: request) }
            url = "http://127.0.0.1:\(try server.start())"
        }

        deinit { server.stop() }

        func failObjects(after count: Int?) { lock.withLock { failAfter = count; answered = [] } }
        var objectsRequests: [String] { lock.withLock { answered } }

        private func respond(to request: HTTPRequest) -> HTTPResponse {
            if request.path.hasSuffix("/objects") {
                let body = String(decoding: request.body, as: UTF8.self)
                let refuse = lock.withLock { () -> Bool in
                    if let failAfter, answered.count >= failAfter { return true }
                    answered.append(body)
                    return false
                }
                if refuse { return HTTPResponse(status: 503, body: Data("down for maintenance".utf8)) }
            }
            return api.respond(to: request)
        }
    }

    static func export(_ api: FlakyAPI, to directory: URL, format: String, extra: [String] = [], quiet: Bool = true) throws -> CLI.Result {
        try CLI.run(["--api-url", api.url, "--n", "12", "--batch-size", "2", "--concurrency", "1", "--retries", "0",
                     "--format", format, "--output", directory.path + "/"] + (quiet ? ["--quiet"] : []) + extra)
    }

    static func visible(_ directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test("a run stopped by the API keeps its answers; --resume asks only for the rest and writes the clean run's rows",
          arguments: [[], ["--with-upper-limits"]])
    func resumeAfterAPIFailure(options: [String]) throws {
        let api = try FlakyAPI()
        let scratch = try ScratchDirectory()
        let clean = scratch.path("clean"), resumed = scratch.path("resumed")

        api.failObjects(after: nil)
        #expect(try Self.export(api, to: clean, format: "csv", extra: options).status == 0)
        let allRequests = api.objectsRequests
        #expect(allRequests.count >= 4)
        #expect(allRequests.allSatisfy { $0.contains("withupperlim") == !options.isEmpty })

        api.failObjects(after: 2)
        let failed = try Self.export(api, to: resumed, format: "csv", extra: options)
        CLITests.expectOneLineError(failed, status: 69, mentioning: "run the same command with --resume to continue")
        #expect(Self.visible(resumed).isEmpty, "a failed export left \(Self.visible(resumed))")

        api.failObjects(after: nil)
        let finished = try Self.export(api, to: resumed, format: "csv", extra: options + ["--resume"])
        #expect(finished.status == 0, "\(finished.stderr)")
        // The two answers received before the failure were not asked for again.
        #expect(api.objectsRequests == Array(allRequests.dropFirst(2)))
        for file in ["anomalies.csv", "objects.csv"] {
            let expected = try Data(contentsOf: clean.appendingPathComponent(file))
            #expect(try Data(contentsOf: resumed.appendingPathComponent(file)) == expected, "\(file) differs from the clean run")
        }
        // Nothing hidden stays: no staged file, no kept answers.
        let hidden = try FileManager.default.contentsOfDirectory(atPath: resumed.path).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "left behind: \(hidden)")
    }

    @Test("a kill while the kept answers are deleted leaves no spool with answers missing: --resume starts over and sweeps the rest")
    func killDuringRemoval() throws {
        let api = try FlakyAPI()
        let scratch = try ScratchDirectory()
        let clean = scratch.path("clean"), output = scratch.path("out")
        api.failObjects(after: nil)
        #expect(try Self.export(api, to: clean, format: "csv").status == 0)
        api.failObjects(after: 2)
        #expect(try Self.export(api, to: output, format: "csv").status == 69)

        // The deletion of a successful export's spool, killed after the answers' bodies went and
        // before their requests (FileManager deletes in directory order): nothing after the kill runs.
        let spool = AnswerSpool(besideOutput: output.appendingPathComponent("anomalies.csv"))
        #expect(spool.holdsAnswers)
        var killed = false
        spool.remove(deleting: { directory in
            guard !killed else { return }
            killed = true
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            where name.hasSuffix(".json") && !name.hasSuffix(".request.json") && name != "manifest.json" {
                unlink(directory.appendingPathComponent(name).path)
            }
        })
        #expect(killed)

        api.failObjects(after: nil)
        let resumed = try Self.export(api, to: output, format: "csv", extra: ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        for file in ["anomalies.csv", "objects.csv"] {
            #expect(try Data(contentsOf: output.appendingPathComponent(file)) == Data(contentsOf: clean.appendingPathComponent(file)),
                    "\(file) differs from the clean run")
        }
        let hidden = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "left behind: \(hidden)")
    }

    @Test("--resume of an export that asked for other data is refused before any request")
    func resumeWithOtherSettings() throws {
        let api = try FlakyAPI()
        let scratch = try ScratchDirectory()
        api.failObjects(after: 1)
        #expect(try Self.export(api, to: scratch.url, format: "csv").status == 69)
        api.failObjects(after: nil)
        let refused = try Self.export(api, to: scratch.url, format: "csv", extra: ["--resume", "--batch-size", "3"])
        CLITests.expectOneLineError(refused, status: 64, mentioning: "--batch-size 2, now 3")
        #expect(api.objectsRequests.isEmpty)
    }

    @Test("--resume of an export that finished is refused before any request, saying so; with --overwrite it exports again")
    func resumeFinishedExport() throws {
        let api = try FlakyAPI()
        let scratch = try ScratchDirectory()
        #expect(try Self.export(api, to: scratch.url, format: "csv").status == 0)
        let before = try Data(contentsOf: scratch.path("objects.csv"))
        api.failObjects(after: nil)
        let refused = try Self.export(api, to: scratch.url, format: "csv", extra: ["--resume"])
        CLITests.expectOneLineError(refused, status: 64, mentioning: "nothing to resume")
        #expect(refused.stderr.contains("--overwrite"), "\(refused.stderr)")
        #expect(api.objectsRequests.isEmpty)
        #expect(try Data(contentsOf: scratch.path("objects.csv")) == before)
        let again = try Self.export(api, to: scratch.url, format: "csv", extra: ["--resume", "--overwrite"], quiet: false)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("nothing to resume"), "\(again.stderr)")
        #expect(!api.objectsRequests.isEmpty)
        // Only some of the files there (a rename failed part-way) is not a finished export.
        try FileManager.default.removeItem(at: scratch.path("objects.csv"))
        let partial = try Self.export(api, to: scratch.url, format: "csv", extra: ["--resume"])
        CLITests.expectOneLineError(partial, status: 73, mentioning: "already exists")
    }

    @Test("kept answers belong to the requests that produced them: any argument that changes an answer changes the manifest")
    func manifestIdentifiesRequests() throws {
        let client = FinkClient(baseURL: URL(string: "http://127.0.0.1:1")!, transport: CurlTransport())
        let query = FinkQuery(count: 10, startDate: "2023-01-25")
        let reference = AnswerSpool.Manifest(client: client, query: query, batchSize: 10)
        #expect(AnswerSpool.Manifest(client: client, query: query, batchSize: 10) == reference)
        var moreAlerts = query, otherWindow = query, fewerColumns = query, withUpperLimits = query
        moreAlerts.count = 11
        otherWindow.stopDate = "2023-05-22"
        fewerColumns.columns = ["i:objectId"]
        withUpperLimits.withUpperLimits = true
        let variants = [moreAlerts, otherWindow, fewerColumns, withUpperLimits]
        for changed in variants {
            #expect(AnswerSpool.Manifest(client: client, query: changed, batchSize: 10) != reference, "\(changed)")
        }
        #expect(AnswerSpool.Manifest(client: client, query: query, batchSize: 5) != reference)
        let other = FinkClient(baseURL: URL(string: "http://127.0.0.1:2")!, transport: CurlTransport())
        #expect(AnswerSpool.Manifest(client: other, query: query, batchSize: 10) != reference)
    }

    @Test("without --resume, kept answers are discarded with a notice and the export starts over")
    func startOver() throws {
        let api = try FlakyAPI()
        let scratch = try ScratchDirectory()
        api.failObjects(after: 1)
        #expect(try Self.export(api, to: scratch.url, format: "jsonl").status == 69)
        api.failObjects(after: nil)
        let again = try Self.export(api, to: scratch.url, format: "jsonl", quiet: false)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("starting over"), "\(again.stderr)")
        #expect(Self.visible(scratch.url) == ["anomalies.jsonl", "anomalies.jsonl.meta.json", "objects.jsonl", "objects.jsonl.meta.json"])
    }

    @Test("--no-keep-answers keeps nothing on disk, so there is nothing to resume")
    func noKeepAnswers() throws {
        let api = try FlakyAPI()
        let scratch = try ScratchDirectory()
        api.failObjects(after: 1)
        let failed = try Self.export(api, to: scratch.url, format: "csv", extra: ["--no-keep-answers"])
        #expect(failed.status == 69)
        #expect(!failed.stderr.contains("--resume"), "\(failed.stderr)")
        let entries = try scratch.entries()
        #expect(entries.isEmpty, "left behind: \(entries)")
    }

    @Test("a disk too small for the kept answers is one line naming --no-keep-answers, and nothing under a final name",
          .disabled(if: ProcessInfo.processInfo.environment["FINK_EXPORT_SANITIZER"] == "thread",
                    "ThreadSanitizer's own runtime faults (SIGBUS) under a file-size limit"))
    func answersDoNotFit() throws {
        let scratch = try ScratchDirectory()
        let binary = CLI.productsDirectory.appendingPathComponent("fink-export").path
        // 16 KiB: less than the anomaly answer, which is kept before anything else is written
        // (the sample's one objects answer is not written at all: it arrives last, and the
        // kept answers are then already being deleted).
        let result = try CLI.run(["-c", "ulimit -f 16; exec \(binary) --sample --format csv --output \(scratch.url.path)/"],
                                 executable: "/bin/bash")
        CLITests.expectOneLineError(result, status: 73, mentioning: "cannot keep an answer for --resume")
        #expect(result.stderr.contains("--no-keep-answers"), "\(result.stderr)")
        #expect(Self.visible(scratch.url).isEmpty)
    }
}
