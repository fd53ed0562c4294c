import FinkExport
import FinkStandin
import SinkConformance
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A stand-in API on a loopback port, with the dataset behind it, for end-to-end tests.
final class StandinHarness {
    let dataset: StandinDataset
    let api: StandinAPI
    let server: LoopbackServer
    let baseURL: URL

    init(objects: Int = 12, maxAlerts: Int = 300, rowLimit: Int = FinkClient.defaultObjectRowLimit,
         faults: FaultPlan = FaultPlan(), seed: UInt64 = 20_230_125, schema: StandinSchema = StandinSchema()) throws {
        dataset = StandinDataset(.init(seed: seed, objectCount: objects, maximumAlerts: maxAlerts))
        let api = StandinAPI(dataset: dataset, rowLimit: rowLimit, schema: schema)
        self.api = api
        server = LoopbackServer(faults: faults) { api.respond(to: $0) }
        let port = try server.start()
        baseURL = URL(string: "http://127.0.0.1:\(port)")!
    }

    deinit {
        server.stop()
    }

    func client(retries: Int = 5, rowLimit: Int = FinkClient.defaultObjectRowLimit, timeout: TimeInterval = 30) -> FinkClient {
        FinkClient(baseURL: baseURL, transport: CurlTransport(),
                   retryPolicy: RetryPolicy(retries: retries, baseDelay: 0.01, maximumDelay: 0.05), timeout: timeout,
                   objectRowLimit: rowLimit)
    }

    // MARK: What the API should have answered

    /// (object, alert) of the anomaly rows for `query`, newest first.
    func expectedAnomalies(count: Int, start: String? = nil, stop: String? = nil) throws -> [(object: Int, alert: Int)] {
        let startJD = try julian(start ?? "2019-11-01")
        let stopJD = try stop.map { try julian($0) + 1 } ?? Date().timeIntervalSince1970 / 86_400 + 2_440_587.5
        var picked: [(Int, Int)] = []
        for entry in dataset.anomalies.reversed() where entry.jd >= startJD && entry.jd <= stopJD && picked.count < count {
            picked.append((entry.object, entry.alert))
        }
        return picked
    }

    /// (object, alert) of the objects rows, batch by batch, each batch newest first. With
    /// upper limits, an object's extra rows follow its alerts before the sort, as the API
    /// appends them; extra row `k` is given as alert `-1 - k`.
    func expectedObjects(ids: [String], batchSize: Int, rowLimit: Int = FinkClient.defaultObjectRowLimit,
                         withUpperLimits: Bool = false) -> [(object: Int, alert: Int)] {
        var rows: [(object: Int, alert: Int)] = []
        for start in stride(from: 0, to: ids.count, by: batchSize) {
            var batch: [(jd: Double, object: Int, alert: Int)] = []
            for id in ids[start ..< min(start + batchSize, ids.count)] {
                let object = dataset.index(ofObject: id)!
                for alert in 0 ..< min(rowLimit, dataset.objects[object].alertJDs.count) {
                    batch.append((dataset.objects[object].alertJDs[alert], object, alert))
                }
                if withUpperLimits {
                    for (k, extra) in dataset.extraRows(object: object).enumerated() { batch.append((extra.jd, object, -1 - k)) }
                }
            }
            let sorted = batch.enumerated().sorted {
                $0.element.jd != $1.element.jd ? $0.element.jd > $1.element.jd : $0.offset < $1.offset
            }
            rows += sorted.map { ($0.element.object, $0.element.alert) }
        }
        return rows
    }

    /// The value a field of an exported row must hold.
    func expectedValue(_ field: Field, object: Int, alert: Int, row cache: inout [Int: [StandinValue]]) -> Value {
        if field.sourceName == "d:tag" {
            return .text(alert >= 0 ? "valid" : dataset.extraRows(object: object)[-1 - alert].tag)
        }
        let key = object * 1_000_000 + alert
        let row = cache[key] ?? (alert >= 0 ? dataset.row(object: object, alert: alert) : dataset.extraRows(object: object)[-1 - alert].values)
        cache[key] = row
        guard let index = dataset.index(ofColumn: field.sourceName) else { return .null }
        let cell = row[index]
        if case .feature(let position) = field.origin, case .features(let list) = cell {
            return list.expanded[position].map(Value.real) ?? .null
        }
        switch cell {
        case .missing: return .null
        case .integer(let value): return .integer(value)
        case .real(let value): return .real(value)
        case .bool(let value): return .bool(value)
        case .text(let text): return .text(text)
        case .numericText(let text): return field.type.storage == .integer ? .integer(Int64(text)!) : .real(Double(text)!)
        case .features(let list): return .text(String(describing: list))
        }
    }

    private func julian(_ text: String) throws -> Double {
        try FinkQuery.parseDate(text, argument: .startDate).timeIntervalSince1970 / 86_400 + 2_440_587.5
    }
}

/// Reads an exported file back into values, by the schema's field types.
enum ExportReader {
    static func csv(_ url: URL, schema: TableSchema) throws -> (header: [String], rows: [[Value]]) {
        let rows = CSVTestReader.parse(try String(contentsOf: url, encoding: .utf8))
        let header = rows.first?.map { $0 ?? "" } ?? []
        let values = rows.dropFirst().map { fields in
            zip(fields, schema.fields).map { text, field -> Value in
                guard let text else { return .null }
                switch field.type.storage {
                case .integer: return Int64(text).map(Value.integer) ?? .text("bad integer \(text)")
                case .real: return Double(text).map(Value.real) ?? .text("bad real \(text)")
                case .boolean: return text == "true" ? .bool(true) : text == "false" ? .bool(false) : .text("bad bool \(text)")
                case .text: return .text(text)
                }
            }
        }
        return (header, Array(values))
    }

    /// JSON Lines through the conformance kit's own JSON parser, independent of the exporter's
    /// reader: numbers are converted from their literal text, object keys keep their order.
    static func jsonLines(_ url: URL, schema: TableSchema) throws -> (keys: [[String]], rows: [[Value]]) {
        let bytes = Array(try Data(contentsOf: url))
        var keys: [[String]] = []
        var rows: [[Value]] = []
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
            guard case .object(let members) = try JSONValueParser.parse(line) else {
                throw MissingInMapping(description: "a line of \(url.lastPathComponent) is not a JSON object")
            }
            keys.append(members.map(\.key))
            rows.append(schema.fields.map { field in
                guard let json = members.first(where: { $0.key == field.name })?.value else { return .text("missing key") }
                return JSONLinesFileReader.value(json, as: field.storage).map(Value.init) ?? .text("wrong JSON kind \(json)")
            })
        }
        return (keys, rows)
    }
}
