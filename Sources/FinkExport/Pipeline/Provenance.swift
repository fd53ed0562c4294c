import Foundation

/// How an output was made. Every sink stores it: sidecar JSON, attributes, metadata tables.
///
/// Sinks read it; the pipeline makes it. Every property has a default and is set by name,
/// so a new property is added with a default and breaks no sink or test that makes one.
public struct Provenance: Sendable, Codable, Equatable {
    /// One column as provenance describes it.
    public struct ColumnRecord: Sendable, Codable, Equatable {
        /// The output name.
        public var name: String
        /// The Fink column the values come from.
        public var source: String
        /// The value type.
        public var type: String
        /// The unit (VOUnit), if any.
        public var unit: String?
        /// The UCD, if any.
        public var ucd: String?
        /// A short description, if any.
        public var description: String?
    }

    /// One exported table.
    public struct TableRecord: Sendable, Codable, Equatable {
        /// The table name.
        public var name: String
        /// Rows written.
        public var rows: Int
        /// The columns, in order.
        public var columns: [ColumnRecord]
        /// Objects whose row count reached the server's per-object limit: their light curve may be cut.
        public var possiblyTruncatedObjects: [String]
        /// Values that did not fit their column and were written as null (lenient mode), by column.
        public var lenientNulls: [String: Int]
        /// Values written as null because the format cannot hold them (such as infinities in
        /// JSON), by column.
        public var unrepresentableAsNull: [String: Int]
        /// Rows by their kind (`valid`, `upperlim`, `badquality`), when the table says what
        /// each row is; nil otherwise.
        public var rowsByKind: [String: Int]?

        /// Creates a table record.
        public init(name: String, rows: Int, columns: [ColumnRecord], possiblyTruncatedObjects: [String] = [],
                    lenientNulls: [String: Int] = [:], unrepresentableAsNull: [String: Int] = [:],
                    rowsByKind: [String: Int]? = nil) {
            self.name = name
            self.rows = rows
            self.columns = columns
            self.possiblyTruncatedObjects = possiblyTruncatedObjects
            self.lenientNulls = lenientNulls
            self.unrepresentableAsNull = unrepresentableAsNull
            self.rowsByKind = rowsByKind
        }
    }

    /// Whether the API's schema typed the columns the catalogue lacks.
    public struct LiveSchemaRecord: Sendable, Codable, Equatable {
        /// The schema's URL.
        public var url: String
        /// Whether it was read and merged; false when it could not be read.
        public var used: Bool
        /// Why it could not be read, when it was not.
        public var failure: String?
        /// The columns only the schema knew, typed from it.
        public var columnsAdded: [String]

        /// Creates a record.
        public init(url: String, used: Bool, failure: String? = nil, columnsAdded: [String] = []) {
            self.url = url
            self.used = used
            self.failure = failure
            self.columnsAdded = columnsAdded
        }
    }

    /// Which part of a split export an output holds.
    public struct ShardRecord: Sendable, Codable, Equatable {
        /// The shard, from 0.
        public var index: Int
        /// How many shards the export was split into.
        public var count: Int
        /// How rows were assigned to shards.
        public var rule: String
    }

    /// The tool.
    public var tool = "fink-export"
    /// The tool's version.
    public var toolVersion = FinkExportVersion.current
    /// Where the data came from: the API base URL, `sample`, or the converted files.
    public var source: String
    /// The anomaly request.
    public var anomalyRequest: RequestRecord?
    /// The first objects request (the others differ only in their object ids).
    public var objectsRequest: RequestRecord?
    /// How many objects requests were made.
    public var objectsRequestCount = 0
    /// Anomalous alerts asked for (the anomalies table's `rows` says what the answer held).
    public var anomaliesRequested: Int?
    /// When the export started, ISO 8601 UTC.
    public var exportedAt: String
    /// The column catalogue's version.
    public var schemaVersion = ColumnCatalogue.builtin.version
    /// The feature names packed in each feature string, in order.
    public var featureNames: [String] = []
    /// How names are written (`fink`, `plain`).
    public var nameStyle = NameStyle.fink.rawValue
    /// Whether feature strings were expanded.
    public var featuresExpanded = true
    /// The exported tables.
    public var tables: [TableRecord] = []
    /// Warnings the export produced.
    public var warnings: [String] = []
    /// The API's schema, for an export from the API; nil for converted files.
    public var liveSchema: LiveSchemaRecord?
    /// The shard this output holds, for a split export; nil for a whole one.
    public var shard: ShardRecord?

    /// Creates a record of an export from `source` started at `exportedAt`; set the rest by name.
    public init(source: String, exportedAt: String) {
        self.source = source
        self.exportedAt = exportedAt
    }

    /// The provenance as pretty, key-sorted JSON.
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every field is a plain value; encoding cannot fail.
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }

    /// The provenance as flat key/value text, for formats that keep metadata that way (SQLite
    /// rows, HDF5 attributes, VOTable INFO): lists are JSON arrays, requests `METHOD URL BODY`.
    public var entries: [(key: String, value: String)] {
        func json(_ list: [String]) -> String {
            (try? JSONEncoder().encode(list)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        }
        var entries: [(key: String, value: String)] = [
            ("tool", tool), ("tool_version", toolVersion), ("source", source), ("exported_at", exportedAt),
            ("schema_version", schemaVersion), ("name_style", nameStyle),
            ("features_expanded", featuresExpanded ? "true" : "false"), ("feature_names", json(featureNames)),
            ("objects_request_count", String(objectsRequestCount)), ("warnings", json(warnings)),
        ]
        if let request = anomalyRequest { entries.append(("anomaly_request", "\(request.method) \(request.url) \(request.body)")) }
        if let request = objectsRequest { entries.append(("objects_request", "\(request.method) \(request.url) \(request.body)")) }
        if let anomaliesRequested { entries.append(("anomalies_requested", String(anomaliesRequested))) }
        if let liveSchema {
            entries.append(("live_schema", liveSchema.used ? "used: \(liveSchema.url)" : "not read: \(liveSchema.failure ?? "")"))
            entries.append(("live_schema_columns", json(liveSchema.columnsAdded)))
        }
        if let shard {
            entries.append(("shard", "\(shard.index)/\(shard.count)"))
            entries.append(("shard_rule", shard.rule))
        }
        for table in tables { entries.append(("rows_\(table.name)", String(table.rows))) }
        for table in tables {
            guard let kinds = table.rowsByKind,
                  let data = try? JSONSerialization.data(withJSONObject: kinds, options: [.sortedKeys]) else { continue }
            entries.append(("rows_by_kind_\(table.name)", String(decoding: data, as: UTF8.self)))
        }
        return entries
    }

    /// The record of `table`, if it was exported.
    public func table(_ name: String) -> TableRecord? {
        tables.first { $0.name == name }
    }

    package static func columns(of schema: TableSchema) -> [ColumnRecord] {
        schema.fields.map {
            ColumnRecord(name: $0.name, source: $0.sourceName, type: $0.type.rawValue, unit: $0.unit,
                         ucd: $0.ucd, description: $0.description)
        }
    }

    package static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
