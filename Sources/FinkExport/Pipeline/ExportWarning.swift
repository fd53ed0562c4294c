/// Something the user should know about a finished export. The summary carries these typed;
/// the provenance stores their ``description``.
public enum ExportWarning: Sendable, Equatable, CustomStringConvertible {
    /// The anomaly answer held fewer alerts than asked for: the date window holds no more.
    case fewerAnomalies(received: Int, requested: Int)
    /// Objects whose row count reached the server's per-object limit: their light curves may be cut.
    case possiblyTruncated(objects: [String], limit: Int)
    /// A column the catalogue does not know, typed from its values.
    case inferredType(column: String, type: ColumnType)
    /// Values that did not fit their column and were written as null (lenient mapping).
    case lenientNulls(table: String, column: String, count: Int)
    /// Values the format cannot hold, written as null (such as infinities in JSON).
    case notHeldByFormat(table: String, column: String, count: Int, format: String)
    /// Rows an appended output already held, not added again.
    case rowsAlreadyPresent(table: String, count: Int)
    /// A sink's own remark about a table.
    case sink(table: String, message: String)

    /// One line, without command-line options.
    public var description: String {
        switch self {
        case .fewerAnomalies(let received, let requested):
            return "the anomaly answer held \(received) alerts, fewer than the \(requested) asked for: the date window holds no more"
        case .possiblyTruncated(let objects, let limit):
            let shown = objects.prefix(5).map(MessageText.shown).joined(separator: ", ") + (objects.count > 5 ? ", …" : "")
            return "\(objects.count) object(s) reached the server's limit of \(limit) rows per object, so their light curves may be cut: \(shown)"
        case .inferredType(let column, let type):
            return "column \(MessageText.shown(column)) is not in the Fink catalogue; its type was inferred as \(type.rawValue) from its values"
        case .lenientNulls(let table, let column, let count):
            return "\(table): \(count) value(s) of \(MessageText.shown(column)) did not fit the column and were written as null"
        case .notHeldByFormat(let table, let column, let count, let format):
            return "\(table): \(count) value(s) of \(MessageText.shown(column)) cannot be held by \(format) and were written as null"
        case .rowsAlreadyPresent(let table, let count):
            return "\(table): \(count) row(s) were already in the output and were not added again"
        case .sink(let table, let message):
            return "\(table): \(message)"
        }
    }
}
