import Foundation

/// How far an export has come, reported after each response.
public struct ExportProgress: Sendable, Equatable {
    /// The table being filled.
    public var table: ExportTable
    /// Rows read so far, all tables.
    public var rows: Int
    /// Objects whose alerts have arrived.
    public var objectsDone: Int
    /// Objects to fetch.
    public var objectsTotal: Int
    /// Response bytes received so far.
    public var bytes: Int
    /// Seconds since the export started.
    public var elapsed: TimeInterval
}

/// What an export produced, for the closing summary line.
public struct ExportSummary: Sendable {
    /// One table's result.
    public struct Table: Sendable, Equatable {
        /// The table.
        public var table: ExportTable
        /// Rows written.
        public var rows: Int
        /// Columns written.
        public var columns: Int
        /// The output file.
        public var path: String
        /// Rows by their kind, when the table says what each row is.
        public var rowsByKind: [String: Int]?
    }

    /// The tables, in order.
    public var tables: [Table]
    /// Response bytes read.
    public var bytes: Int
    /// Wall time in seconds.
    public var elapsed: TimeInterval
    /// Requests retried.
    public var retries: Int
    /// The full provenance written with the output.
    public var provenance: Provenance
    /// Warnings for the user, in the order they arose.
    public var warnings: [ExportWarning]

    init(ledgers: [TableLedger], files: [ExportTable: URL], meter: ExportMeter, provenance: Provenance) {
        tables = ledgers.compactMap { ledger in
            guard let record = ledger.provenanceRecord, let file = files[ledger.table] else { return nil }
            return Table(table: ledger.table, rows: record.rows, columns: record.columns.count, path: file.path,
                         rowsByKind: record.rowsByKind)
        }
        bytes = meter.bytes
        elapsed = Date().timeIntervalSince(meter.started)
        retries = meter.retries.value
        self.provenance = provenance
        warnings = ledgers.flatMap(\.warnings)
    }
}
