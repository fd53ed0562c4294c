import CSQLite
import FinkExport
import Foundation

/// Reads SQLite tables with libsqlite3, read-only: `SELECT * FROM "<table>"` in rowid order,
/// each value by its storage class (NULL, INTEGER, REAL, TEXT). SQLite has no boolean, so
/// an INTEGER 0 or 1 in a boolean field is read as one.
package struct SQLiteFileReader: SinkFileReader {
    package init() {}

    package func read(files: [URL], schemas: [TableSchema]) throws -> [ReadTable] {
        let file = try singleFile(files)
        var db: OpaquePointer?
        defer { sqlite3_close_v2(db) }
        guard sqlite3_open_v2(file.path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            throw ReaderError(file, "cannot open: \(db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory")")
        }
        return try schemas.map { try Self.table($0, in: db, file: file) }
    }

    private static func table(_ schema: TableSchema, in db: OpaquePointer, file: URL) throws -> ReadTable {
        let name = "\"" + schema.name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(db, "SELECT * FROM \(name) ORDER BY rowid", -1, &statement, nil) == SQLITE_OK, let statement else {
            throw ReaderError(file, "cannot read \(name): \(String(cString: sqlite3_errmsg(db)))")
        }
        let count = sqlite3_column_count(statement)
        let columns = (0 ..< count).map { String(cString: sqlite3_column_name(statement, $0)) }
        guard columns.count == schema.fields.count else { throw ReaderError(file, "\(name) has \(columns.count) columns, the schema \(schema.fields.count)") }
        var rows: [[ReadValue]] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw ReaderError(file, "reading \(name): \(String(cString: sqlite3_errmsg(db)))") }
            rows.append(try (0 ..< count).map { column in
                try value(statement, column, as: schema.fields[Int(column)].storage, file: file, where: "\(name) row \(rows.count + 1)")
            })
        }
        return ReadTable(name: schema.name, columns: columns, rows: rows)
    }

    private static func value(_ statement: OpaquePointer, _ column: Int32, as kind: StorageKind, file: URL, where place: String) throws -> ReadValue {
        let type = sqlite3_column_type(statement, column)
        switch (type, kind) {
        case (SQLITE_NULL, _):
            return .null
        case (SQLITE_INTEGER, .integer):
            return .integer(sqlite3_column_int64(statement, column))
        case (SQLITE_INTEGER, .boolean):
            let stored = sqlite3_column_int64(statement, column)
            guard stored == 0 || stored == 1 else { throw ReaderError(file, "\(place): \(stored) is not a boolean 0 or 1") }
            return .bool(stored == 1)
        case (SQLITE_FLOAT, .real):
            return .realOrNull(sqlite3_column_double(statement, column))
        case (SQLITE_TEXT, .text):
            // Text first, then its length: sqlite3_column_bytes counts the text as converted.
            let pointer = sqlite3_column_text(statement, column)
            let length = Int(sqlite3_column_bytes(statement, column))
            let bytes = pointer.map { UnsafeBufferPointer(start: $0, count: length) } ?? UnsafeBufferPointer(start: nil, count: 0)
            return .text(try decodeUTF8(bytes, in: file, "\(place) text"))
        default:
            throw ReaderError(file, "\(place): storage class \(type) in a \(kind) column")
        }
    }
}
