import CSQLite

/// One connection to an SQLite file, opened for writing.
final class SQLiteDatabase {
    private(set) var handle: OpaquePointer?

    /// SQLite's memory statistics, which nothing here reads, turned off once before the first
    /// connection initialises the library: with them on, each of the three dozen allocations per
    /// inserted objects row took a global mutex. SQLITE_MISUSE means the library was already
    /// initialised in this process; the statistics then stay on and nothing else differs.
    private static let memoryStatisticsOff: Bool = csqlite_disable_memory_statistics() == SQLITE_OK

    /// Opens (creating if needed) the database at `path`.
    init(path: String) throws {
        _ = Self.memoryStatisticsOff
        var db: OpaquePointer?
        let status = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLiteError(code: status, message: message, context: "opening")
        }
        sqlite3_extended_result_codes(db, 1)
        handle = db
    }

    deinit {
        close()
    }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &error)
        if status != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(error)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: message, context: Self.shorten(sql))
        }
    }

    /// Compiles a statement.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw SQLiteError(code: status, message: String(cString: sqlite3_errmsg(handle)), context: Self.shorten(sql))
        }
        return SQLiteStatement(statement, sql: sql)
    }

    /// The values of the first column of a query's rows, as text.
    func strings(_ sql: String) throws -> [String] {
        let statement = try prepare(sql)
        var values: [String] = []
        while try statement.step() {
            values.append(statement.text(column: 0) ?? "")
        }
        return values
    }

    /// Rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Closes the connection; statements must be finalized first.
    func close() {
        guard let handle else { return }
        sqlite3_close_v2(handle)
        self.handle = nil
    }

    /// An SQL identifier, quoted: any column name is legal this way.
    static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// An SQL string literal.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func shorten(_ sql: String) -> String {
        let oneLine = sql.split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.count > 80 ? String(oneLine.prefix(77)) + "…" : oneLine
    }
}

/// A compiled statement, reused row after row.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let sql: String

    init(_ handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    // The binds return SQLite's result code (SQLITE_OK is 0) so that the hot path can OR a
    // row's codes together and check once per row (``check(binds:)``); a bind fails on a
    // parameter out of range, a value too big, or no memory.

    @inline(__always)
    func bind(_ index: Int32, integer value: Int64) -> Int32 {
        sqlite3_bind_int64(handle, index, value)
    }

    @inline(__always)
    func bind(_ index: Int32, real value: Double) -> Int32 {
        sqlite3_bind_double(handle, index, value)
    }

    @inline(__always)
    func bind(_ index: Int32, text bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        // SQLITE_TRANSIENT: SQLite copies, so the batch's buffer need not outlive the call.
        let pointer = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
        return sqlite3_bind_text64(handle, index, pointer, sqlite3_uint64(bytes.count), csqlite_transient(), UInt8(SQLITE_UTF8))
    }

    @inline(__always)
    func bindNull(_ index: Int32) -> Int32 {
        sqlite3_bind_null(handle, index)
    }

    /// Binds one text parameter, checked (for the few binds off the hot path).
    func bind(_ index: Int32, text value: String) throws {
        var value = value
        try check(binds: value.withUTF8 { bind(index, text: $0) })
    }

    /// Binds one integer parameter, checked.
    func bind(_ index: Int32, checkedInteger value: Int64) throws {
        try check(binds: bind(index, integer: value))
    }

    /// Binds NULL, checked.
    func bindNullChecked(_ index: Int32) throws {
        try check(binds: bindNull(index))
    }

    /// Throws when `codes` (bind results ORed together) is not SQLITE_OK.
    @inline(__always)
    func check(binds codes: Int32) throws {
        if codes != SQLITE_OK { throw bindFailure() }
    }

    private func bindFailure() -> SQLiteError {
        let database = sqlite3_db_handle(handle)
        return SQLiteError(code: sqlite3_extended_errcode(database), message: String(cString: sqlite3_errmsg(database)),
                           context: "binding the parameters of \(SQLiteDatabase.shorten(sql))")
    }

    /// Runs the statement; true while it yields rows.
    @discardableResult
    func step() throws -> Bool {
        let status = sqlite3_step(handle)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            throw SQLiteError(code: sqlite3_extended_errcode(sqlite3_db_handle(handle)), message: message,
                              context: SQLiteDatabase.shorten(sql))
        }
    }

    /// Readies the statement for the next row.
    @inline(__always)
    func reset() {
        sqlite3_reset(handle)
    }

    func text(column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: pointer)
    }
}
