import FinkExport
import FinkStandin
import Foundation
import Testing

@Suite("fink-standin answers as the Fink API does")
struct StandinAPITests {
    static let api = StandinAPI(dataset: StandinDataset(.init(objectCount: 8, maximumAlerts: 60)))

    static func post(_ path: String, _ body: String, contentType: String = "application/json") -> HTTPResponse {
        api.respond(to: HTTPRequest(url: URL(string: "http://127.0.0.1\(path)")!, headers: ["Content-Type": contentType],
                                    body: Data(body.utf8)))
    }

    static func records(_ response: HTTPResponse) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: response.body) as! [[String: Any]]
    }

    @Test("anomaly: n newest alerts of the window, newest first, compact pandas JSON")
    func anomaly() throws {
        let response = Self.post("/api/v1/anomaly", #"{"n": 4}"#)
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/json")
        let rows = try Self.records(response)
        #expect(rows.count == 4)
        let jds = rows.map { $0["i:jd"] as! Double }
        #expect(jds == jds.sorted(by: >))
        #expect(jds.first == Self.api.dataset.anomalies.last!.jd)
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(text.hasPrefix("[{\"d:"))
        #expect(!text.contains("\": ") && text.contains("},{\""))
        #expect(text.contains("\\/ztf\\/archive"))
        #expect(rows.allSatisfy { ($0["d:anomaly_score"] as! Double) < 0 })
        #expect(rows.allSatisfy { $0["d:lc_features_g"] is String })
    }

    @Test("n follows Python's int(): \"3\" and 3.7 work, \"abc\" is a 500")
    func countRules() throws {
        #expect(try Self.records(Self.post("/api/v1/anomaly", #"{"n": "3"}"#)).count == 3)
        #expect(try Self.records(Self.post("/api/v1/anomaly", #"{"n": 3.7}"#)).count == 3)
        let bad = Self.post("/api/v1/anomaly", #"{"n": "abc"}"#)
        #expect(bad.status == 500)
        #expect(String(decoding: bad.body, as: UTF8.self) == "{\"message\": \"Internal Server Error\"}\n")
        #expect(Self.post("/api/v1/anomaly", #"{"start_date": "2023/01/25"}"#).status == 500)
    }

    @Test("columns: only those asked for, no v: columns")
    func columns() throws {
        let rows = try Self.records(Self.post("/api/v1/anomaly", #"{"n": 2, "columns": "i:jd, i:objectId,v:lapse,x:unknown"}"#))
        #expect(rows.allSatisfy { Set($0.keys) == ["i:jd", "i:objectId"] })
    }

    @Test("objects: every alert of each id, newest first across ids; unknown id gives []")
    func objects() throws {
        let ids = Self.api.dataset.objects.prefix(2).map(\.id)
        let rows = try Self.records(Self.post("/api/v1/objects", "{\"objectId\": \"\(ids[0]), \(ids[1])\"}"))
        let expected = Self.api.dataset.objects.prefix(2).reduce(0) { $0 + $1.alertJDs.count }
        #expect(rows.count == expected)
        let jds = rows.map { $0["i:jd"] as! Double }
        #expect(jds == jds.sorted(by: >))
        #expect(try Self.records(Self.post("/api/v1/objects", #"{"objectId": "ldfksjflkdsjf"}"#)).isEmpty)
    }

    @Test("withupperlim: only true or \"True\" adds tagged rows with numbers as strings")
    func upperLimits() throws {
        let id = Self.api.dataset.objects[0].id
        let plain = try Self.records(Self.post("/api/v1/objects", "{\"objectId\": \"\(id)\", \"withupperlim\": \"true\"}"))
        #expect(plain.allSatisfy { $0["d:tag"] == nil })
        let tagged = try Self.records(Self.post("/api/v1/objects", "{\"objectId\": \"\(id)\", \"withupperlim\": true}"))
        let limits = tagged.filter { $0["d:tag"] as? String == "upperlim" }
        #expect(!limits.isEmpty)
        #expect(limits.allSatisfy { $0["i:candid"] as? Int == -1 && $0["i:fid"] is String && $0["i:magpsf"] is NSNull })
        #expect(tagged.filter { $0["d:tag"] as? String == "valid" }.count == plain.count)
    }

    @Test("errors: the API's statuses and bodies", arguments: [
        ("/api/v1/objects", "{}", "application/json", 400, "{'status': 'error', 'text': 'A value for `objectId` is required. See https://api.ztf.fink-portal.org \\n'}"),
        ("/api/v1/anomaly", #"{"output-format": "xml"}"#, "application/json", 400,
         "{'status': 'error', 'text': 'Output format `xml` is not supported. Choose among json, csv, votable, or parquet\\n'}"),
        ("/api/v1/anomaly", "{}", "text/plain", 415,
         "{\"message\": \"Did not attempt to load JSON data because the request Content-Type was not 'application/json'.\"}\n"),
    ])
    func errors(path: String, body: String, contentType: String, status: Int, answer: String) {
        let response = Self.post(path, body, contentType: contentType)
        #expect(response.status == status)
        #expect(String(decoding: response.body, as: UTF8.self) == answer)
    }

    @Test("other methods, paths and a GET without arguments")
    func routing() {
        let put = Self.api.respond(to: HTTPRequest(method: "PUT", url: URL(string: "http://x/api/v1/anomaly")!))
        #expect(put.status == 405)
        let missing = Self.api.respond(to: HTTPRequest(method: "GET", url: URL(string: "http://x/api/v2/nothing")!))
        #expect(missing.status == 404)
        let describe = Self.api.respond(to: HTTPRequest(method: "GET", url: URL(string: "http://x/api/v1/objects")!))
        #expect(String(decoding: describe.body, as: UTF8.self) == "Get object data based on ZTF ID")
        let query = Self.api.respond(to: HTTPRequest(method: "GET", url: URL(string: "http://x/api/v1/anomaly?n=2")!))
        #expect(query.status == 200)
    }

    @Test("the dataset: 64-bit ids beyond 2^53, unique candids, every feature-string shape, missing strings as \"nan\"")
    func dataset() throws {
        let dataset = StandinDataset(.init(objectCount: 20, maximumAlerts: 200))
        #expect(StandinDataset.candid(object: 0, alert: 0) == 9_007_199_254_740_993)
        var candids = Set<Int64>()
        var shapes = Set<String>()
        let candidIndex = dataset.index(ofColumn: "i:candid")!, featureIndex = dataset.index(ofColumn: "d:lc_features_r")!
        for object in dataset.objects.indices {
            for alert in dataset.objects[object].alertJDs.indices {
                let row = dataset.row(object: object, alert: alert)
                if case .integer(let candid) = row[candidIndex] { #expect(candids.insert(candid).inserted) }
                if case .features(let list) = row[featureIndex] {
                    switch list {
                    case .empty: shapes.insert("empty")
                    case .allNull: shapes.insert("null")
                    case .values(let values): shapes.insert(values.allSatisfy(\.isNaN) ? "nan" : "values")
                    }
                }
            }
        }
        #expect(shapes == ["empty", "null", "nan", "values"])
        let body = String(decoding: StandinAPITests.post("/api/v1/anomaly", #"{"n": 10}"#).body, as: UTF8.self)
        #expect(body.contains("\"nan\""))
        #expect(body.contains("\\u"))
    }
}
