/// What one table's export has to account for: its rows, its objects, the values written as
/// null, the objects the server may have cut, and the warnings. The summary and the
/// provenance are made from ledgers.
package struct TableLedger: Sendable {
    /// The table.
    package let table: ExportTable
    /// Rows read.
    package private(set) var rows = 0
    /// Distinct object ids, in first-seen order.
    package private(set) var objectIds: [String] = []
    private var seenObjectIds: Set<String> = []
    /// Values that did not fit their column and became null (lenient mapping), by column.
    package private(set) var lenientNulls: [String: Int] = [:]
    /// Objects whose row count reached the server's per-object limit.
    package private(set) var possiblyTruncated: [String] = []
    /// Warnings, in the order they arose.
    package private(set) var warnings: [ExportWarning] = []
    /// The final schema and the writer's report, once the table is closed.
    package private(set) var schema: TableSchema?
    package private(set) var report = TableWriteReport()
    /// Whether the table was written (a table can be read only to name the objects).
    package private(set) var written = false
    /// Rows per value of the row-kind column (`valid`, `upperlim`, `badquality`), when the
    /// table has one; a missing kind counts under the empty string.
    package private(set) var rowsByKind: [String: Int]?

    package init(table: ExportTable) {
        self.table = table
    }

    /// Accounts one answer; objects with `rowLimit` rows or more may have been cut.
    package mutating func record(_ answer: AnswerStats, rowLimit: Int? = nil) {
        rows += answer.rows
        for object in answer.rowsPerObject {
            if seenObjectIds.insert(object.objectId).inserted { objectIds.append(object.objectId) }
            if let rowLimit, object.rows >= rowLimit { possiblyTruncated.append(object.objectId) }
        }
        for (column, count) in answer.lenientNulls { lenientNulls[column, default: 0] += count }
        warnings += answer.inferredColumns.map { ExportWarning.inferredType(column: $0.column, type: $0.type) }
    }

    /// Counts the rows of `batch` by their row kind, if the table has that column.
    package mutating func countKinds(_ batch: RecordBatch) {
        guard let position = batch.schema.index(of: .rowKind), case .text(let text) = batch.columns[position].values else { return }
        let column = batch.columns[position]
        var counts = rowsByKind ?? [:]
        for row in 0 ..< batch.rowCount {
            counts[column.isValid(row) ? text[row] : "", default: 0] += 1
        }
        rowsByKind = counts
    }

    /// Adds a warning about the table's content.
    package mutating func warn(_ warning: ExportWarning) {
        warnings.append(warning)
    }

    /// Closes the table with its final schema and, if it was written, the writer's report.
    package mutating func close(schema: TableSchema, report: TableWriteReport?, rowLimit: Int? = nil, format: String) {
        self.schema = schema
        if rowsByKind == nil, schema.index(of: .rowKind) != nil { rowsByKind = [:] }
        let name = table.rawValue
        if let report {
            written = true
            self.report = report
            warnings += report.warnings.map { .sink(table: name, message: $0) }
            if report.rowsAlreadyPresent > 0 { warnings.append(.rowsAlreadyPresent(table: name, count: report.rowsAlreadyPresent)) }
            for (column, count) in report.unrepresentableAsNull.sorted(by: { $0.key < $1.key }) {
                warnings.append(.notHeldByFormat(table: name, column: column, count: count, format: format))
            }
            for (column, count) in lenientNulls.sorted(by: { $0.key < $1.key }) {
                warnings.append(.lenientNulls(table: name, column: column, count: count))
            }
        }
        if !possiblyTruncated.isEmpty, let rowLimit {
            warnings.append(.possiblyTruncated(objects: possiblyTruncated, limit: rowLimit))
        }
    }

    /// The table as provenance records it (only for a written table).
    package var provenanceRecord: Provenance.TableRecord? {
        guard written, let schema else { return nil }
        return Provenance.TableRecord(
            name: table.rawValue, rows: rows - report.rowsAlreadyPresent, columns: Provenance.columns(of: schema),
            possiblyTruncatedObjects: possiblyTruncated, lenientNulls: lenientNulls,
            unrepresentableAsNull: report.unrepresentableAsNull, rowsByKind: rowsByKind)
    }
}
