import CSQLite

/// A failed libsqlite3 call: the result code, SQLite's message and what was being done.
struct SQLiteError: Error, CustomStringConvertible {
    /// The extended result code.
    let code: Int32
    /// `sqlite3_errmsg` at the time of the failure.
    let message: String
    /// What fink-export was doing (`INSERT INTO "objects"`, `opening`).
    let context: String

    var description: String {
        "\(context): \(message) (\(String(cString: sqlite3_errstr(code))), code \(code))"
    }

}
