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

        // Row counts are the tables' own: an append adds to rows already there.
        var entries = provenance.entries.filter { !$0.key.hasPrefix("rows_") }
        entries.append(("provenance", String(decoding: provenance.jsonData(), as: UTF8.self)))
        entries.append(("export_history", String(decoding: try JSONSerialization.data(withJSONObject: exports, options: [.sortedKeys]), as: UTF8.self)))
        for table in tables.map(\.schema) {
            let count = try database.strings("SELECT COUNT(*) FROM \(SQLiteDatabase.quote(table.name))").first ?? "0"
            entries.append(("rows_\(table.name)", count))
        }
        let upsert = try database.prepare("INSERT OR REPLACE INTO fink_export_meta (key, value) VALUES (?, ?)")
        for (key, value) in entries {
            try upsert.bind(1, text: key)
            try upsert.bind(2, text: value)
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
                try column.bind(1, text: table.name)
                try column.bind(2, checkedInteger: Int64(position))
                try column.bind(3, text: field.name)
                try column.bind(4, text: field.sourceName)
                try column.bind(5, text: field.type.rawValue)
                for (index, value) in [field.unit, field.ucd, field.description].enumerated() {
                    if let value { try column.bind(Int32(6 + index), text: value) } else { try column.bindNullChecked(Int32(6 + index)) }
                }
                try column.bind(9, checkedInteger: Int64(nulls[position]))
                try column.step()
                column.reset()
            }
        }
    }

}
