import FinkExport
import Foundation

/// Answers requests the way the Fink API's `/api/v1/anomaly` and `/api/v1/objects` do
/// (arguments, defaults, date window, ordering, `columns`, error statuses and bodies), over a
/// ``StandinDataset``.
public struct StandinAPI: Sendable {
    /// The data served.
    public let dataset: StandinDataset
    /// Rows returned per object id at most (the API's `NLIMIT`).
    public var rowLimit: Int
    /// What `/api/v1/schema` answers, and a column only later answers carry.
    public var schema: StandinSchema

    /// Creates the API over `dataset`.
    public init(dataset: StandinDataset, rowLimit: Int = FinkClient.defaultObjectRowLimit, schema: StandinSchema = StandinSchema()) {
        self.dataset = dataset
        self.rowLimit = rowLimit
        self.schema = schema
    }

    /// The answer to one request.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let path = request.url.path.hasSuffix("/") ? String(request.url.path.dropLast()) : request.url.path
        let description: String
        if path == "/api/v1/schema" {
            guard request.method == "GET" else { return Self.jsonMessage(405, "The method is not allowed for the requested URL.") }
            return schema.response(columns: dataset.columns)
        }
        switch path {
        case "/api/v1/anomaly": description = "Get alerts tagged as anomaly"
        case "/api/v1/objects": description = "Get object data based on ZTF ID"
        default:
            return HTTPResponse(status: 404, headers: ["Content-Type": "text/html; charset=utf-8"], body: Data(Self.notFoundPage.utf8))
        }
        guard request.method == "GET" || request.method == "POST" else {
            return Self.jsonMessage(405, "The method is not allowed for the requested URL.")
        }
        let arguments: [String: Argument]
        let queryItems = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        if !queryItems.isEmpty {
            arguments = Dictionary(queryItems.map { ($0.name, Argument.string($0.value ?? "")) }, uniquingKeysWith: { _, last in last })
        } else if request.method == "GET" {
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/html; charset=utf-8"], body: Data(description.utf8))
        } else {
            let contentType = request.headers.first { $0.key.lowercased() == "content-type" }?.value ?? ""
            guard contentType.lowercased().contains("application/json") else {
                return Self.jsonMessage(415, "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.")
            }
            guard let object = Argument.parseObject(request.body) else {
                return Self.jsonMessage(400, "The browser (or proxy) sent a request that this server could not understand.")
            }
            arguments = object
        }
        do {
            return path == "/api/v1/anomaly" ? try anomaly(arguments) : try objects(arguments)
        } catch let failure as Failure {
            return failure.response
        } catch {
            return Self.jsonMessage(500, "Internal Server Error")
        }
    }

    // MARK: Endpoints

    private func anomaly(_ arguments: [String: Argument]) throws -> HTTPResponse {
        let count = try Self.pythonInt(arguments["n"] ?? .number("10"))
        let start = try Self.julianDate(arguments["start_date"]?.pythonString ?? "2019-11-01")
        let stop = try arguments["stop_date"].map { try Self.julianDate($0.pythonString) + 1 } ?? Self.julianDateNow()
        let format = try Self.outputFormat(arguments)
        let columns = Self.selectedColumns(arguments)
        // The newest `n` entries of the window, then newest first.
        var picked: [StandinDataset.AnomalyEntry] = []
        for entry in dataset.anomalies.reversed() where entry.jd >= start && entry.jd <= stop {
            if count > 0 && picked.count >= count { break }
            picked.append(entry)
        }
        let served = servedColumns(for: .anomaly, selection: columns, withTag: false)
        let rows = picked.map { entry in
            let row = dataset.row(object: entry.object, alert: entry.alert)
            return served.map { row[$0.position] }
        }
        return encode(names: served.map(\.name), rows: rows, stringColumns: served, format: format)
    }

    private func objects(_ arguments: [String: Argument]) throws -> HTTPResponse {
        guard let rawIds = arguments["objectId"] else {
            throw Failure(response: Self.pythonRepr(400, "A value for `objectId` is required. See https://api.ztf.fink-portal.org \\n"))
        }
        let format = try Self.outputFormat(arguments)
        let idText = rawIds.pythonString
        let ids = idText.contains(",") ? idText.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } : [idText]
        let withUpperLimits = arguments["withupperlim"]?.pythonString == "True"
        let columns = Self.selectedColumns(arguments)
        let served = servedColumns(for: .objects, selection: columns, withTag: withUpperLimits)
        var rows: [(jd: Double, values: [StandinValue])] = []
        // The late column, when an object of this answer carries it (and no selection leaves it out).
        let late = schema.lateColumn.flatMap { late in
            columns == nil && ids.contains { id in late.objects.contains { !id.isEmpty && dataset.objects[$0].id.hasPrefix(id) } } ? late : nil
        }
        for id in ids where !id.isEmpty {
            // Row keys are objectId_jd and the scan matches prefixes, oldest first, up to NLIMIT.
            for object in dataset.objects.indices where dataset.objects[object].id.hasPrefix(id) {
                let info = dataset.objects[object]
                for alert in 0 ..< min(rowLimit, info.alertJDs.count) {
                    var row = dataset.row(object: object, alert: alert)
                    row.append(.text("valid"))
                    let lateValue: [StandinValue] = late.map { [$0.objects.contains(object) ? $0.value(object: object, alert: alert) : .missing] } ?? []
                    rows.append((info.alertJDs[alert], served.map { row[$0.position] } + lateValue))
                }
                if withUpperLimits {
                    for extra in dataset.extraRows(object: object) {
                        var row = extra.values
                        row.append(.text(extra.tag))
                        rows.append((extra.jd, served.map { row[$0.position] } + (late == nil ? [] : [.missing])))
                    }
                }
            }
        }
        if served.contains(where: { $0.name == "i:jd" }) {
            rows = Self.stableSorted(rows)
        }
        let names = served.map(\.name) + (late.map { [$0.name] } ?? [])
        return encode(names: names, rows: rows.map(\.values), stringColumns: served, format: format)
    }

    // MARK: Columns

    private struct ServedColumn {
        let name: String
        let position: Int
        let isString: Bool
    }

    private func servedColumns(for endpoint: FinkEndpoint, selection: [String]?, withTag: Bool) -> [ServedColumn] {
        var served: [ServedColumn] = []
        for (position, column) in dataset.columns.enumerated() where column.endpoints.contains(endpoint) {
            if let selection {
                guard selection.contains(column.name), column.namespace != "v" else { continue }
            }
            served.append(ServedColumn(name: column.name, position: position, isString: column.type == .string))
        }
        // HBase returns qualifiers sorted (d: before i:); the API appends v: columns after them.
        served.sort { lhs, rhs in
            let lv = lhs.name.hasPrefix("v:"), rv = rhs.name.hasPrefix("v:")
            if lv != rv { return !lv }
            return lv ? lhs.position < rhs.position : lhs.name < rhs.name
        }
        if withTag { served.append(ServedColumn(name: "d:tag", position: dataset.columns.count, isString: true)) }
        return served
    }

    private func encode(names: [String], rows: [[StandinValue]], stringColumns served: [ServedColumn], format: String) -> HTTPResponse {
        let table = ResponseEncoding.Table(names: names, rows: rows)
        let strings = Set(served.enumerated().filter { $0.element.isString }.map(\.offset))
        if format == "csv" {
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/csv"],
                                body: Data(ResponseEncoding.csv(table, stringColumns: strings)))
        }
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"],
                            body: Data(ResponseEncoding.json(table, stringColumns: strings)))
    }

    private static func stableSorted(_ rows: [(jd: Double, values: [StandinValue])]) -> [(jd: Double, values: [StandinValue])] {
        rows.enumerated().sorted { lhs, rhs in
            lhs.element.jd != rhs.element.jd ? lhs.element.jd > rhs.element.jd : lhs.offset < rhs.offset
        }.map(\.element)
    }

    // MARK: Argument rules of the real server

    private struct Failure: Error {
        let response: HTTPResponse
    }

    private static func selectedColumns(_ arguments: [String: Argument]) -> [String]? {
        guard let text = arguments["columns"]?.pythonString, text != "*" else { return nil }
        return text.replacingOccurrences(of: " ", with: "").split(separator: ",").map(String.init)
    }

    private static func outputFormat(_ arguments: [String: Argument]) throws -> String {
        let format = arguments["output-format"]?.pythonString ?? "json"
        guard format == "json" || format == "csv" else {
            throw Failure(response: pythonRepr(400, "Output format `\(format)` is not supported. Choose among json, csv, votable, or parquet\\n"))
        }
        return format
    }

    /// Python's `int(value)`: integers, floats truncated, digit strings; anything else is a 500.
    private static func pythonInt(_ value: Argument) throws -> Int {
        switch value {
        case .number(let text):
            if let number = Int(text) { return number }
            if let double = Double(text), double.isFinite, abs(double) < 1e15 { return Int(double) }
        case .string(let text):
            if let number = Int(text.trimmingCharacters(in: .whitespaces)) { return number }
        case .bool(let flag):
            return flag ? 1 : 0
        case .null, .composite:
            break
        }
        throw Failure(response: jsonMessage(500, "Internal Server Error"))
    }

    /// astropy `Time(value).jd` for the forms the API documents; anything else is a 500.
    static func julianDate(_ text: String) throws -> Double {
        guard let date = try? FinkQuery.parseDate(text, argument: .startDate) else {
            throw Failure(response: jsonMessage(500, "Internal Server Error"))
        }
        return date.timeIntervalSince1970 / 86_400 + 2_440_587.5
    }

    private static func julianDateNow() -> Double {
        Date().timeIntervalSince1970 / 86_400 + 2_440_587.5
    }

    static func jsonMessage(_ status: Int, _ message: String) -> HTTPResponse {
        var body: [UInt8] = Array("{\"message\": ".utf8)
        ResponseEncoding.appendJSONString(message, to: &body, escapeSlash: false)
        body.append(contentsOf: "}\n".utf8)
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Data(body))
    }

    static func pythonRepr(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/html; charset=utf-8"],
                     body: Data("{'status': 'error', 'text': '\(text)'}".utf8))
    }

    static let notFoundPage = """
    <!doctype html>
    <html lang=en>
    <title>404 Not Found</title>
    <h1>Not Found</h1>
    <p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>

    """
}
