import FinkExport
import Foundation

/// What the stand-in's `GET /api/v1/schema` says, and the column it can add to later answers.
public struct StandinSchema: Sendable {
    /// How the schema endpoint answers.
    public enum Answer: String, Sendable, CaseIterable {
        /// The schema, in the API's shape.
        case schema
        /// HTTP 503 every time (retries run out).
        case unavailable
        /// A cut-off JSON body.
        case malformed
        /// An HTML error page with status 200, as a proxy might serve.
        case html
    }

    /// A column the catalogue lacks, in the schema's `d:` family, that only the objects
    /// answers holding one of ``objects`` carry (a column Fink added mid-export).
    public struct LateColumn: Sendable {
        /// The full name.
        public var name = "d:late_score"
        /// The schema's type word.
        public var type = "float"
        /// The schema's description.
        public var doc = "A score Fink added after the catalogue was written (stand-in)."
        /// The indices of the objects whose rows carry it.
        public var objects: Set<Int>

        /// Creates the column, carried by the rows of `objects`.
        public init(objects: Set<Int>) {
            self.objects = objects
        }

        /// The value of alert `alert` of object `object`: exact in 32 bits, null now and then.
        public func value(object: Int, alert: Int) -> StandinValue {
            alert % 7 == 3 ? .missing : .real(Double((object * 31 + alert) % 1000) / 8)
        }
    }

    /// How the endpoint answers.
    public var answer: Answer = .schema
    /// The late column, if any.
    public var lateColumn: LateColumn?

    /// Creates the default: the schema of the stand-in's columns, no late column.
    public init(answer: Answer = .schema, lateColumn: LateColumn? = nil) {
        self.answer = answer
        self.lateColumn = lateColumn
    }

    /// The family titles of the real API, by prefix.
    static let families = ["i": "ZTF original fields (i:)", "b": "ZTF original cutouts (b:)",
                           "d": "Fink science module outputs (d:)", "v": "Fink on-the-fly added values (v:)"]

    func response(columns: [ColumnSpec]) -> HTTPResponse {
        switch answer {
        case .unavailable:
            return HTTPResponse(status: 503, headers: ["Content-Type": "text/html"], body: Data("<html>503 Service Unavailable</html>".utf8))
        case .malformed:
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"ZTF original fields (i:)": {"jd": {"ty"#.utf8))
        case .html:
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/html"], body: Data("<!DOCTYPE html><html><body>Maintenance</body></html>".utf8))
        case .schema:
            var object: [String: [String: Any]] = [:]
            for column in columns {
                guard let prefix = column.namespace, let family = Self.families[prefix] else { continue }
                let bare = String(column.name.dropFirst(prefix.count + 1))
                // The i: family comes from the alert's Avro schema: nullable fields are unions.
                let type: Any = prefix == "i" && column.role == nil ? ["null", column.type.rawValue] : column.type.rawValue
                object[family, default: [:]][bare] = ["type": type, "doc": column.description]
            }
            if let lateColumn, let family = Self.families["d"] {
                object[family, default: [:]][String(lateColumn.name.dropFirst(2))] = ["type": lateColumn.type, "doc": lateColumn.doc]
            }
            let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: body)
        }
    }
}
