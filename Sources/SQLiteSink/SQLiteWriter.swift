import CSQLite
import FinkExport
import Foundation

/// Writes tables into one SQLite file inside a single transaction: a new file is built with
/// journaling off (it is renamed into place only when complete); an appended file keeps its
/// rollback journal, so a failed append leaves it as it was.
final class SQLiteWriter: TableWriter {
    private let destination: SinkDestination
    private let createIndexes: Bool
    private var database: SQLiteDatabase?
    private var insert: SQLiteStatement?
    private var schema: TableSchema?
    private var tableIsNew = true
    private var skipped = 0
    private var tables: [(schema: TableSchema, nulls: [Int])] = []
    private var nullCounts: [Int] = []

    init(destination: SinkDestination, createIndexes: Bool) throws {
        self.destination = destination
        self.createIndexes = createIndexes
        let database = try wrap("opening") { try SQLiteDatabase(path: destination.stagingURL.path) }
        self.database = database
        if destination.appending {
            try wrap("starting the append") {
                try database.execute("PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; BEGIN IMMEDIATE")
            }
        } else {
            // A one-shot file renamed into place only when complete: no journal, no syncs.
            // A 16 MiB page cache: 64 MiB cost 35-60 MB of peak RSS at 100k-1M rows and no time.
            try wrap("configuring") {
                try database.execute("""
                    PRAGMA page_size = 8192; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
                    PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384; BEGIN
                    """)
            }
        }
    }

    deinit {
        close()
    }

    func beginTable(_ schema: TableSchema) throws {
        let database = try requireOpen()
        // Identifiers travel as C strings: a NUL would silently cut the name.
        if let bad = schema.fields.first(where: { $0.name.utf8.contains(0) }) {
            throw SinkError.columnNameNotHeld(format: "sqlite", column: bad.name, reason: "it contains a NUL character")
        }
        let table = SQLiteDatabase.quote(schema.name)
        let existing = try wrap("reading \(schema.name)") {
            try database.strings("SELECT name FROM pragma_table_info(\(SQLiteDatabase.literal(schema.name)))")
        }
        if existing.isEmpty {
            let columns = schema.fields.map { "\(SQLiteDatabase.quote($0.name)) \(Self.sqlType($0.type))" }
            try wrap("creating table \(schema.name)") {
                try database.execute("CREATE TABLE \(table) (\(columns.joined(separator: ", ")))")
            }
            tableIsNew = true
        } else {
            guard destination.appending else {
                throw SinkError.appendMismatch(path: destination.finalURL.path, table: schema.name, detail: "the file already holds this table")
            }
            try checkAppendable(schema, existingColumns: existing, database: database)
            tableIsNew = false
        }
        let verb = destination.appending ? "INSERT OR IGNORE" : "INSERT"
        let placeholders = Array(repeating: "?", count: schema.fields.count).joined(separator: ", ")
        insert = try wrap("preparing the insert into \(schema.name)") {
            try database.prepare("\(verb) INTO \(table) VALUES (\(placeholders))")
        }
        self.schema = schema
        nullCounts = Array(repeating: 0, count: schema.fields.count)
        skipped = 0
    }

    func write(_ batch: RecordBatch) throws {
        guard let insert, let database else { throw SinkError.callOrder("write before beginTable") }
        let columns = batch.columns
        for (index, column) in columns.enumerated() { nullCounts[index] += column.nullCount }
        // One wrap for the whole batch: the per-value path stays a plain loop.
        try wrap("inserting into \(batch.schema.name)") {
            for row in 0 ..< batch.rowCount {
                var codes: Int32 = 0
                for (index, column) in columns.enumerated() {
                    let parameter = Int32(index + 1)
                    guard column.isValid(row) else {
                        codes |= insert.bindNull(parameter)
                        continue
                    }
                    switch column.values {
                    case .integer(let values): codes |= insert.bind(parameter, integer: values[row])
                    case .real(let values): codes |= insert.bind(parameter, real: values[row])
                    case .boolean(let values): codes |= insert.bind(parameter, integer: values[row] ? 1 : 0)
                    case .text(let text): codes |= text.withBytes(of: row) { insert.bind(parameter, text: $0) }
                    }
                }
                try insert.check(binds: codes)
                try insert.step()
                if destination.appending && database.changes == 0 {
                    // Already in the file: its NULLs were counted by the export that wrote it.
                    skipped += 1
                    for (index, column) in columns.enumerated() where !column.isValid(row) { nullCounts[index] -= 1 }
                }
                insert.reset()
            }
        }
    }

    func endTable() throws -> TableWriteReport {
        guard let schema, let database else { throw SinkError.callOrder("endTable before beginTable") }
        insert = nil
        if tableIsNew {
            try wrap("indexing \(schema.name)") { try createTableIndexes(schema, database: database) }
        }
        tables.append((schema, nullCounts))
        self.schema = nil
        return TableWriteReport(rowsAlreadyPresent: skipped)
    }

    func finish(provenance: Provenance) throws {
        let database = try requireOpen()
        try wrap("writing the provenance") {
            try SQLiteProvenance.write(provenance, tables: tables, into: database)
            try database.execute("COMMIT")
            if !destination.appending { try database.execute("PRAGMA journal_mode = DELETE") }
        }
        database.close()
        self.database = nil
    }

    func close() {
        insert = nil
        guard let database else { return }
        // Still open means the export failed before COMMIT: undo an append's rows.
        try? database.execute("ROLLBACK")
        database.close()
        self.database = nil
    }

    // MARK: Helpers

    static func sqlType(_ type: ColumnType) -> String {
        switch type.storage {
        case .integer, .boolean: return "INTEGER"
        case .real: return "REAL"
        case .text: return "TEXT"
        }
    }

    private func createTableIndexes(_ schema: TableSchema, database: SQLiteDatabase) throws {
        let table = SQLiteDatabase.quote(schema.name)
        // The unique alert key lets a later append skip alerts already present.
        if let key = schema.alertKey {
            let columns = key.map { SQLiteDatabase.quote(schema.fields[$0].name) }.joined(separator: ", ")
            try database.execute("CREATE UNIQUE INDEX \(SQLiteDatabase.quote("\(schema.name)_alert")) ON \(table) (\(columns))")
        }
        guard createIndexes else { return }
        for role in [ColumnRole.objectId, .alertId] {
            guard let position = schema.index(of: role) else { continue }
            let name = schema.fields[position].name
            try database.execute("CREATE INDEX \(SQLiteDatabase.quote("\(schema.name)_\(name)")) ON \(table) (\(SQLiteDatabase.quote(name)))")
        }
    }

    private func checkAppendable(_ schema: TableSchema, existingColumns: [String], database: SQLiteDatabase) throws {
        guard existingColumns == schema.fields.map(\.name) else {
            let missing = schema.fields.map(\.name).filter { !existingColumns.contains($0) }
            let extra = existingColumns.filter { name in !schema.fields.contains { $0.name == name } }
            var detail = ""
            if !missing.isEmpty { detail += "; new: \(missing.prefix(3).joined(separator: ", "))" }
            if !extra.isEmpty { detail += "; only in the file: \(extra.prefix(3).joined(separator: ", "))" }
            if missing.isEmpty && extra.isEmpty { detail = "; the order differs" }
            throw SinkError.appendMismatch(path: destination.finalURL.path, table: schema.name, detail: "its columns differ from this export's\(detail)")
        }
        let unique = try wrap("reading the indexes of \(schema.name)") {
            try database.strings("SELECT name FROM pragma_index_list(\(SQLiteDatabase.literal(schema.name))) WHERE \"unique\" = 1")
        }
        guard unique.contains("\(schema.name)_alert") else {
            throw SinkError.appendMismatch(path: destination.finalURL.path, table: schema.name,
                                           detail: "it has no unique alert key (object id, alert id and time) to skip rows already present")
        }
    }

    private func requireOpen() throws -> SQLiteDatabase {
        guard let database else { throw SinkError.callOrder("a call after finish or close") }
        return database
    }

    /// Turns an SQLite failure into a one-line output error naming the final path.
    @discardableResult
    private func wrap<T>(_ action: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            throw SinkError.write(path: destination.finalURL.path, action: action(),
                                  reason: "\(error.message) (\(String(cString: sqlite3_errstr(error.code))))")
        }
    }
}
