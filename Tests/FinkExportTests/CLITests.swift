import FinkExport
import FinkStandin
import Foundation
import SinkConformance
import Testing

@Suite("The fink-export command as a user runs it", .serialized)
struct CLITests {
    /// Every failure is one line on stderr starting with `fink-export: error:`.
    static func expectOneLineError(_ result: CLI.Result, status: Int32, mentioning text: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(text), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test("--sample exports both tables to a directory and prints a one-line summary")
    func sampleExport() throws {
        let scratch = try ScratchDirectory()
        let result = try CLI.run(["--sample", "--format", "csv", "--output", scratch.url.path + "/demo/"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("exported anomalies 10 rows"))
        #expect(result.stdout.split(separator: "\n").count == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path + "/demo").sorted()
        #expect(files == ["anomalies.csv", "anomalies.csv.meta.json", "objects.csv", "objects.csv.meta.json"])
    }

    @Test("one table may go to a single file whose extension picks the format; --quiet prints nothing")
    func singleFile() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("anomalies.jsonl").path
        let result = try CLI.run(["--sample", "--n", "3", "--columns", "i:objectId,i:jd,i:magpsf,d:anomaly_score,d:lc_features_g",
                                  "--tables", "anomalies", "--output", path, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix(#"{"i:objectId":"ZTF"#))
        #expect(lines[0].contains(#""d:lc_features_g_stetson_K":"#))
    }

    @Test("bad arguments fail before any request with one line and exit 64", arguments: [
        (["--sample", "--format", "xml", "--output", "OUT/"], "unknown format \"xml\""),
        (["--sample", "--start-date", "2023-13-45", "--output", "OUT/x.csv", "--tables", "objects"], "--start-date"),
        (["--sample", "--start-date", "2023/01/25", "--output", "OUT/x.csv", "--tables", "objects"], "not a date"),
        (["--sample", "--start-date", "2023-05-22", "--stop-date", "2023-01-25", "--output", "OUT/"], "after --stop-date"),
        (["--sample", "--n", "0", "--output", "OUT/"], "--n must be at least 1"),
        (["--sample", "--n=-5", "--output", "OUT/"], "--n must be at least 1"),
        (["--sample", "--output", "OUT/x.csv"], "one table per file"),
        (["--sample", "--output", "OUT/"], "cannot tell the format"),
        (["--sample", "--tables", "alerts", "--output", "OUT/"], "--tables"),
        (["--sample", "--columns", "v:lapse", "--output", "OUT/"], "v:lapse"),
        (["--sample", "--format", "csv", "--option", "compression=zstd", "--output", "OUT/"], "compression"),
        (["--api-url", "ftp://x", "--output", "OUT/", "--format", "csv"], "not an http(s) URL"),
        (["--sample", "--api-url", "http://localhost:1", "--output", "OUT/", "--format", "csv"], "--sample"),
    ])
    func badArguments(arguments: [String], message: String) throws {
        let scratch = try ScratchDirectory()
        let result = try CLI.run(arguments.map { $0.replacingOccurrences(of: "OUT", with: scratch.url.path + "/out") })
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
        #expect(!FileManager.default.fileExists(atPath: scratch.url.path + "/out"))
    }

    @Test("bad arguments are refused before any request reaches the API", arguments: [
        ["--start-date", "2023-02-30"], ["--stop-date", "yesterday"], ["--n", "-1"], ["--n", "2000000"],
        ["--n", "99999999999999999999"], ["--format", "xlsx"],
        ["--format", "parquet", "--option", "compression=snappy", "--option", "compression-level=5"], ["--append", "--overwrite", "--format", "sqlite"],
        ["--append", "--format", "csv"], ["--batch-size", "0"], ["--concurrency", "1000"], ["--columns", "i:objectId,,i:jd"],
        ["--format", "csv", "--shard", "3/3"], ["--format", "csv", "--shard", "-1/3"], ["--format", "csv", "--shard", "1/0"],
        ["--format", "csv", "--shard", "2"], ["--format", "csv", "--shard", "a/b"], ["--format", "csv", "--shard", "1/2/3"],
    ])
    func refusedBeforeAnyRequest(arguments: [String]) throws {
        let (server, port, requests) = try Self.countingServer()
        defer { server.stop() }
        let scratch = try ScratchDirectory()
        let result = try CLI.run(["--api-url", "http://127.0.0.1:\(port)", "--output", scratch.url.path + "/out/"] + arguments)
        #expect(result.status == 64, "\(arguments): exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("rror"), "\(arguments): \(result.stderr)")
        #expect(requests.value == 0, "\(arguments) sent \(requests.value) request(s)")
        #expect(!FileManager.default.fileExists(atPath: scratch.url.path + "/out"))
    }

    /// A server that answers 500 to everything and counts the requests it got.
    static func countingServer() throws -> (LoopbackServer, port: UInt16, requests: RequestCounter) {
        let requests = RequestCounter()
        let server = LoopbackServer { _ in
            requests.increment()
            return HTTPResponse(status: 500)
        }
        return (server, try server.start(), requests)
    }

    @Test("an output that cannot be created is exit 73 before any request, the schema's included")
    func unwritableOutputBeforeAnyRequest() throws {
        let (server, port, requests) = try Self.countingServer()
        defer { server.stop() }
        let scratch = try ScratchDirectory()
        // A directory path under a regular file: no one, root included, can create it.
        try Data().write(to: scratch.path("file"))
        let result = try CLI.run(["--api-url", "http://127.0.0.1:\(port)", "--tables", "objects", "--retries", "0",
                                  "--output", scratch.path("file").path + "/out.csv"])
        #expect(result.status == 73, "exit \(result.status): \(result.stderr)")
        #expect(requests.value == 0, "sent \(requests.value) request(s)")
    }

    @Test("a window within one day is valid: the stop day is included whole")
    func sameDayWindow() throws {
        let scratch = try ScratchDirectory()
        let result = try CLI.run(["--sample", "--start-date", "2026-05-22T12:00:00", "--stop-date", "2026-05-22",
                                  "--tables", "anomalies", "--output", scratch.path("a.csv").path, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("convert: the API's CSV for no rows (a lone newline) is an empty table; a 0-byte file and an empty API answer are errors")
    func emptyAnswers() throws {
        let scratch = try ScratchDirectory()
        let saved = scratch.path("empty.csv")
        try Data("\n".utf8).write(to: saved)
        let result = try CLI.run(["convert", "--objects", saved.path, "--output", scratch.path("out.jsonl").path, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: scratch.path("out.jsonl"), encoding: .utf8).isEmpty)

        // A 0-byte file is not an API answer (one without rows is `[]`): a data error naming it.
        let nothing = scratch.path("nothing.json")
        try Data().write(to: nothing)
        let refused = try CLI.run(["convert", "--objects", nothing.path, "--format", "csv", "--output", scratch.path("x.csv").path])
        Self.expectOneLineError(refused, status: 65, mentioning: "\(nothing.path) is empty")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("x.csv").path))

        let server = LoopbackServer { _ in HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Data()) }
        let port = try server.start()
        defer { server.stop() }
        // --quiet: this server answers the schema request empty too, which is a notice.
        let api = try CLI.run(["--api-url", "http://127.0.0.1:\(port)", "--format", "csv", "--output", scratch.url.path + "/o/", "--quiet"])
        Self.expectOneLineError(api, status: 65, mentioning: "empty")
    }

    @Test("an output that cannot be written is exit 73 and leaves nothing behind")
    func unwritableOutput() throws {
        let scratch = try ScratchDirectory()
        let missing = try CLI.run(["--sample", "--tables", "objects", "--output", scratch.url.path + "/no/such/dir/x.csv"])
        Self.expectOneLineError(missing, status: 73, mentioning: "does not exist")
        let proc = try CLI.run(["--sample", "--tables", "objects", "--output", "/proc/fink-export-test.csv"])
        #expect(proc.status == 73, "\(proc.stderr)")
        #expect(proc.stderr.hasPrefix("fink-export: error:"))
    }

    @Test("an existing output is kept unless --overwrite is given")
    func existingOutput() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("objects.csv").path
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        let refused = try CLI.run(["--sample", "--tables", "objects", "--output", path])
        Self.expectOneLineError(refused, status: 73, mentioning: "--overwrite")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
        // A sidecar left from an earlier export stops a new one at once, not after the work.
        let other = scratch.path("other.csv").path
        try Data("{}".utf8).write(to: URL(fileURLWithPath: other + ".meta.json"))
        let sidecar = try CLI.run(["--sample", "--tables", "objects", "--output", other])
        Self.expectOneLineError(sidecar, status: 73, mentioning: "other.csv.meta.json already exists")
        #expect(!FileManager.default.fileExists(atPath: other))
        let replaced = try CLI.run(["--sample", "--tables", "objects", "--output", path, "--overwrite"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("i:jd,"))
    }

    @Test("convert: saved JSON and the API's CSV give the same rows (CSV cannot tell an empty string from a missing one)")
    func convert() throws {
        let scratch = try ScratchDirectory()
        let api = StandinAPI(dataset: StandinDataset(.init(objectCount: 5, maximumAlerts: 50)))
        func save(_ path: String, _ body: String, name: String) throws -> String {
            let response = api.respond(to: HTTPRequest(url: URL(string: "http://x\(path)")!, headers: ["Content-Type": "application/json"],
                                                       body: Data(body.utf8)))
            #expect(response.status == 200)
            let file = scratch.path(name).path
            try response.body.write(to: URL(fileURLWithPath: file))
            return file
        }
        let anomalyJSON = try save("/api/v1/anomaly", #"{"n": 5}"#, name: "anomaly.json")
        let anomalyCSV = try save("/api/v1/anomaly", #"{"n": 5, "output-format": "csv"}"#, name: "anomaly.csv")
        let fromJSON = try CLI.run(["convert", "--anomalies", anomalyJSON, "--output", scratch.path("a.jsonl").path])
        let fromCSV = try CLI.run(["convert", "--anomalies", anomalyCSV, "--output", scratch.path("b.jsonl").path])
        #expect(fromJSON.status == 0, "\(fromJSON.stderr)")
        #expect(fromCSV.status == 0, "\(fromCSV.stderr)")
        let a = try String(contentsOfFile: scratch.path("a.jsonl").path, encoding: .utf8)
        let b = try String(contentsOfFile: scratch.path("b.jsonl").path, encoding: .utf8)
        #expect(a.split(separator: "\n").count == 5)
        // pandas writes an empty string and a missing value alike in CSV, so both read as null.
        #expect(a.replacingOccurrences(of: #":"""#, with: ":null") == b)
    }

    @Test("convert: saved objects answers with upper limits keep every row, typed, and count them by kind")
    func convertUpperLimits() throws {
        let scratch = try ScratchDirectory()
        let api = StandinAPI(dataset: StandinDataset(.init(objectCount: 3, maximumAlerts: 40)))
        let ids = api.dataset.objects.map(\.id).joined(separator: ",")
        let response = api.respond(to: HTTPRequest(url: URL(string: "http://x/api/v1/objects")!, headers: ["Content-Type": "application/json"],
                                                   body: Data(#"{"objectId": "\#(ids)", "withupperlim": true}"#.utf8)))
        #expect(response.status == 200)
        let saved = scratch.path("objects.json")
        try response.body.write(to: saved)
        let result = try CLI.run(["convert", "--objects", saved.path, "--output", scratch.path("objects.csv").path])
        #expect(result.status == 0, "\(result.stderr)")
        // The summary counts the kinds; the numbers the API sent as strings are typed (no inferred column).
        #expect(result.stdout.contains("upperlim"), "\(result.stdout)")
        #expect(!result.stderr.contains("inferred"), "\(result.stderr)")
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: scratch.path("objects.csv.meta.json"))) as! [String: Any]
        let table = (sidecar["tables"] as! [[String: Any]])[0]
        let kinds = table["rowsByKind"] as! [String: Int]
        let answered = try JSONSerialization.jsonObject(with: response.body) as! [[String: Any]]
        #expect(kinds.values.reduce(0, +) == answered.count)
        #expect(kinds["upperlim"] == answered.filter { $0["d:tag"] as? String == "upperlim" }.count)
        #expect((table["columns"] as! [[String: Any]]).contains { $0["name"] as? String == "d:tag" && $0["type"] as? String == "string" })
    }

    @Test("convert: malformed or truncated JSON is a data error (exit 65) naming the file, and no output",
          arguments: [#"[{"i:objectId":"ZTF1","i:jd":2459"#, "<html>502 Bad Gateway</html>", #"{"message": "Internal Server Error"}"#,
                      #"[{"i:objectId":"ZTF1","i:fid":"abc"}]"#])
    func convertBadInput(body: String) throws {
        let scratch = try ScratchDirectory()
        let input = scratch.path("saved.json")
        try Data(body.utf8).write(to: input)
        let result = try CLI.run(["convert", "--objects", input.path, "--output", scratch.path("out.csv").path])
        Self.expectOneLineError(result, status: 65, mentioning: "fink-export: error:")
        #expect(try scratch.entries() == ["saved.json"])
    }

    @Test("HTTP errors from the API are exit 69 with the server's message")
    func apiErrors() throws {
        let server = LoopbackServer { _ in
            HTTPResponse(status: 500, headers: ["Content-Type": "application/json"], body: Data("{\"message\": \"Internal Server Error\"}\n".utf8))
        }
        let port = try server.start()
        defer { server.stop() }
        let scratch = try ScratchDirectory()
        // --quiet: the schema request fails on this server too, which is a notice, not an error.
        let result = try CLI.run(["--retries", "0", "--format", "csv", "--output", scratch.url.path + "/out/", "--quiet"],
                                 environment: ["FINK_API_URL": "http://127.0.0.1:\(port)"])
        Self.expectOneLineError(result, status: 69, mentioning: "HTTP 500: Internal Server Error")
        #expect(result.stderr.contains("http://127.0.0.1:\(port)/api/v1/anomaly"))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: scratch.url.path + "/out")) ?? [] == [])
    }

    @Test("an unreachable API is exit 69 after the retries")
    func unreachable() throws {
        let scratch = try ScratchDirectory()
        let result = try CLI.run(["--api-url", "http://127.0.0.1:9", "--retries", "1", "--format", "csv", "--output", scratch.url.path + "/out/"])
        #expect(result.status == 69)
        // Retries are announced as they happen; the failure itself is one line.
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("fink-export: error:") }
        #expect(errors.count == 1)
        #expect(errors.first?.contains("failed after 2 tries") == true)
        #expect(result.stderr.contains("fink-export: retrying the anomaly request (try 2)"))
    }

    @Test("formats lists each sink's extensions, capabilities and options; columns lists the catalogue")
    func listings() throws {
        let formats = try CLI.run(["formats"])
        #expect(formats.status == 0)
        #expect(formats.stdout.contains("csv  "))
        #expect(formats.stdout.contains(".csv .csv.gz"))
        #expect(formats.stdout.contains("compression  auto|none|gzip, default auto"))
        #expect(formats.stdout.contains("jsonl  "))
        let columns = try CLI.run(["columns", "--features"])
        #expect(columns.status == 0)
        #expect(columns.stdout.contains("168 columns"))
        #expect(columns.stdout.contains("i:candid"))
        #expect(columns.stdout.contains("stetson_K"))
        let help = try CLI.run(["--help"])
        #expect(help.stdout.contains("Exit codes"))
        // The root help is where a new user looks first: it names export's options and where to read them.
        #expect(help.stdout.contains("--with-upper-limits"))
        #expect(help.stdout.contains("fink-export help export"))
    }
}

/// Counts the requests a test server received.
final class RequestCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
