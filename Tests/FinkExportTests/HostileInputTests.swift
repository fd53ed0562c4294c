import FinkExport
import FinkStandin
import Foundation
import SinkConformance
import Testing

/// Broken and hostile API answers, through `export` (served by a loopback server in place of
/// the objects endpoint) and through `convert` (the same bytes saved to a file): each gives a
/// correct value or a one-line data error with exit code 65, never a crash, a hang or a
/// dropped row.
@Suite("Hostile input: bad answers and files give a correct value or a one-line error")
struct HostileInputTests {
    enum Outcome {
        /// Exit 65, one line naming the problem.
        case refused(mentioning: String)
        /// Exit 0 and this CSV cell in the first row, under this column.
        case exported(column: String, value: String)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let body: [UInt8]
        let outcome: Outcome
        var testDescription: String { name }

        init(_ name: String, _ body: String, _ outcome: Outcome) {
            self.init(name, Array(body.utf8), outcome)
        }

        init(_ name: String, _ body: [UInt8], _ outcome: Outcome) {
            self.name = name
            self.body = body
            self.outcome = outcome
        }
    }

    static let cases: [Case] = [
        Case("malformed JSON (a trailing comma)", #"[{"i:objectId":"ZTF1","i:jd":2461186.5,}]"#, .refused(mentioning: "expected")),
        Case("a body cut off mid-record", #"[{"i:objectId":"ZTF1","i:jd":2461"#, .refused(mentioning: "cut off")),
        Case("invalid UTF-8 in a string", Array(#"[{"i:objectId":"ZTF"#.utf8) + [0xFF, 0xFE] + Array(#""}]"#.utf8),
             .refused(mentioning: "UTF-8")),
        Case("an HTML page with status 200", "<html><body><h1>Service unavailable</h1></body></html>", .refused(mentioning: "HTML")),
        Case("a JSON object, not an array", #"{"status":"error","message":"bad request"}"#, .refused(mentioning: "JSON object")),
        Case("deep nesting", #"[{"i:objectId":"ZTF1","x":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}]",
             .refused(mentioning: "deeper than")),
        Case("a duplicate key", #"[{"i:objectId":"ZTF1","i:objectId":"ZTF2"}]"#, .refused(mentioning: "twice")),
        Case("text in a number column", #"[{"i:objectId":"ZTF1","i:jd":"yesterday"}]"#, .refused(mentioning: "i:jd")),
        Case("an object id with a newline, in a row that fails", #"[{"i:objectId":"ZTF\n1","i:jd":"x"}]"#,
             .refused(mentioning: #"(object "ZTF\n1")"#)),
        Case("a boolean in an integer column", #"[{"i:objectId":"ZTF1","i:fid":true}]"#, .refused(mentioning: "i:fid")),
        Case("a nested value in a number column", #"[{"i:objectId":"ZTF1","i:magpsf":[1,2]}]"#, .refused(mentioning: "i:magpsf")),
        Case("an id beyond 64 bits", #"[{"i:objectId":"ZTF1","i:candid":18446744073709551616}]"#, .refused(mentioning: "i:candid")),
        Case("a number beyond the double range", #"[{"i:objectId":"ZTF1","i:jd":1e400}]"#, .refused(mentioning: "i:jd")),
        Case("a feature string without its closing bracket", #"[{"i:objectId":"ZTF1","d:lc_features_g":"[1.0, 2.0"}]"#,
             .refused(mentioning: "d:lc_features_g")),
        Case("a feature string with an empty entry", #"[{"i:objectId":"ZTF1","d:lc_features_g":"[1.0,,2.0]"}]"#,
             .refused(mentioning: "d:lc_features_g")),
        Case("a feature string with words", #"[{"i:objectId":"ZTF1","d:lc_features_g":"[a, b]"}]"#,
             .refused(mentioning: "d:lc_features_g")),
        Case("a feature string of the wrong length", #"[{"i:objectId":"ZTF1","d:lc_features_g":"[1, 2, 3]"}]"#,
             .refused(mentioning: "d:lc_features_g")),
        Case("a feature list that is a number", #"[{"i:objectId":"ZTF1","d:lc_features_g":5}]"#,
             .refused(mentioning: "d:lc_features_g")),
        Case("a 64-bit id beyond 2^53", #"[{"i:objectId":"ZTF1","i:candid":1095578116115010004}]"#,
             .exported(column: "i:candid", value: "1095578116115010004")),
        Case("a 17-digit double", #"[{"i:objectId":"ZTF1","i:jd":2461186.9361689999}]"#,
             .exported(column: "i:jd", value: "2461186.936169")),
        Case("escaped unicode and a surrogate pair", #"[{"i:objectId":"ZTF\u00e9\ud83d\ude00\/1"}]"#,
             .exported(column: "i:objectId", value: "ZTFé😀/1")),
        Case("a huge string", #"[{"i:objectId":"ZTF1","d:cdsxmatch":""# + String(repeating: "x", count: 4_000_000) + #""}]"#,
             .exported(column: "d:cdsxmatch", value: String(repeating: "x", count: 4_000_000))),
        Case("a column name with a quote, a newline, markup and SQL", #"[{"i:objectId":"ZTF1","drop table x;--\n<&>\"q\"":"v"}]"#,
             .exported(column: "drop table x;--\n<&>\"q\"", value: "v")),
        Case("NaN written as a string", #"[{"i:objectId":"ZTF1","i:magpsf":"NaN"}]"#, .exported(column: "i:magpsf", value: "")),
        Case("Java-style feature values", #"[{"i:objectId":"ZTF1","d:lc_features_g":"[1.0E-4, NaN, null, -2.5, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]"}]"#,
             .exported(column: "d:lc_features_g_mean", value: "0.0001")),
        Case("a Java NaN among the features", #"[{"i:objectId":"ZTF1","d:lc_features_g":"[1.0E-4, NaN, null, -2.5, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]"}]"#,
             .exported(column: "d:lc_features_g_weighted_mean", value: "")),
        Case("an integer feature value", #"[{"i:objectId":"ZTF1","d:lc_features_g":"[1.0E-4, NaN, null, -2.5, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]"}]"#,
             .exported(column: "d:lc_features_g_amplitude", value: "3.0")),
    ]

    @Test("through export, from the objects endpoint", arguments: cases)
    func throughExport(_ hostile: Case) throws {
        let server = try Self.serve(objectsBody: Data(hostile.body))
        defer { server.server.stop() }
        try Self.check(hostile, arguments: ["--api-url", server.url, "--n", "1", "--tables", "objects"])
    }

    @Test("through convert, from a saved file", arguments: cases)
    func throughConvert(_ hostile: Case) throws {
        let directory = try ScratchDirectory()
        let file = directory.url.appendingPathComponent("objects.json")
        try Data(hostile.body).write(to: file)
        try Self.check(hostile, arguments: ["convert", "--objects", file.path], in: directory)
    }

    // MARK: Helpers

    /// A loopback server that answers the anomaly endpoint from the stand-in's dataset and every
    /// objects request with `objectsBody`.
    static func serve(objectsBody: Data) throws -> (server: LoopbackServer, url: String) {
        let api = StandinAPI(dataset: StandinDataset(.init(objectCount: 3, maximumAlerts: 20)))
        let server = LoopbackServer { request in
            if request.path.hasSuffix("/objects") {
                return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: objectsBody)
            }
            return api.respond(to: request)
        }
        let port = try server.start()
        return (server, "http://127.0.0.1:\(port)")
    }

    static func check(_ hostile: Case, arguments: [String], in existing: ScratchDirectory? = nil) throws {
        let directory = try existing ?? ScratchDirectory()
        let output = directory.url.appendingPathComponent("out.csv")
        let result = try CLI.run(arguments + ["--format", "csv", "--output", output.path, "--quiet"])
        let errorLines = result.stderr.split(separator: "\n")
        switch hostile.outcome {
        case .refused(let mentioning):
            #expect(result.status == 65, "\(hostile.name): exit \(result.status): \(result.stderr)")
            #expect(errorLines.count == 1, "\(hostile.name): \(result.stderr)")
            #expect(result.stderr.contains(mentioning), "\(hostile.name): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output.path), "\(hostile.name) left a file under the final name")
        case .exported(let column, let value):
            #expect(result.status == 0, "\(hostile.name): exit \(result.status): \(result.stderr.prefix(300))")
            guard result.status == 0 else { return }
            let rows = CSVTestReader.parse(try String(contentsOf: output, encoding: .utf8))
            let index = try #require(rows.first?.firstIndex(of: column), "\(hostile.name): no column \(column)")
            #expect(rows.count == 2, "\(hostile.name): \(rows.count - 1) rows")
            #expect((rows.last?[index] ?? "") == value, "\(hostile.name): \(String(describing: rows.last?[index]).prefix(80))")
        }
    }
}
