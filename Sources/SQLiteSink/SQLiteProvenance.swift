import FinkExport
import Foundation

/// The provenance tables: `fink_export_meta` (key, value) and `fink_export_columns`.
enum SQLiteProvenance {
    /// Writes the provenance of an export of `tables`, each with the NULLs written per column
    /// (NaN included: it is missing, so it is stored as NULL, and counted here).
    static func write(_ provenance: Provenance, tables: [(schema: TableSchema, nulls: [Int])], into database: SQLiteDatabase) throws {
        try database.execute("""
            CREATE TABLE IF NOT EXISTS fink_export_meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS fink_export_columns (
                "table" TEXT, position INTEGER, name TEXT, source TEXT, type TEXT, unit TEXT, ucd TEXT, description TEXT,
                nulls INTEGER, PRIMARY KEY ("table", position))
            """)
        let history = try database.strings("SELECT value FROM fink_export_meta WHERE key = 'export_history'").first
        var exports = (history.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [Any]) ?? []
        exports.append(try JSONSerialization.jsonObject(with: provenance.jsonData()))

        var entries: [(String, String)] = [
            ("tool", provenance.tool), ("tool_version", provenance.toolVersion), ("source", provenance.source),
            ("exported_at", provenance.exportedAt), ("schema_version", provenance.schemaVersion),
            ("name_style", provenance.nameStyle), ("features_expanded", provenance.featuresExpanded ? "true" : "false"),
            ("feature_names", json(provenance.featureNames)), ("warnings", json(provenance.warnings)),
            ("objects_request_count", String(provenance.objectsRequestCount)),
            ("provenance", String(decoding: provenance.jsonData(), as: UTF8.self)),
            ("export_history", String(decoding: try JSONSerialization.data(withJSONObject: exports, options: [.sortedKeys]), as: UTF8.self)),
        ]
        if let request = provenance.anomalyRequest { entries.append(("anomaly_request", "\(request.method) \(request.url) \(request.body)")) }
        if let request = provenance.objectsRequest { entries.append(("objects_request", "\(request.method) \(request.url) \(request.body)")) }
        if let requested = provenance.anomaliesRequested { entries.append(("anomalies_requested", String(requested))) }
        for table in tables.map(\.schema) {
            let count = try database.strings("SELECT COUNT(*) FROM \(SQLiteDatabase.quote(table.name))").first ?? "0"
            entries.append(("rows_\(table.name)", count))
        }
        let upsert = try database.prepare("INSERT OR REPLACE INTO fink_export_meta (key, value) VALUES (?, ?)")
        for (key, value) in entries {
            upsert.bind(1, text: key)
            upsert.bind(2, text: value)
            try upsert.step()
            upsert.reset()
        }
        // NULL counts add up over appended exports, so they describe the rows in the table.
        let column = try database.prepare("""
            INSERT OR REPLACE INTO fink_export_columns VALUES (?, ?, ?, ?, ?, ?, ?, ?,
                ? + COALESCE((SELECT nulls FROM fink_export_columns WHERE "table" = ?1 AND position = ?2), 0))
            """)
        for (table, nulls) in tables {
            for (position, field) in table.fields.enumerated() {
                column.bind(1, text: table.name)
                column.bind(2, integer: Int64(position))
                column.bind(3, text: field.name)
                column.bind(4, text: field.sourceName)
                column.bind(5, text: field.type.rawValue)
                for (index, value) in [field.unit, field.ucd, field.description].enumerated() {
                    if let value { column.bind(Int32(6 + index), text: value) } else { column.bindNull(Int32(6 + index)) }
                }
                column.bind(9, integer: Int64(nulls[position]))
                try column.step()
                column.reset()
            }
        }
    }

    private static func json(_ value: [String]) -> String {
        (try? JSONSerialization.data(withJSONObject: value)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }
}
