/// A problem with the data or with the requested columns, found while mapping rows onto the
/// output columns. Each case carries what happened; ``description`` says it in one line.
public enum MappingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The requested columns hold an empty name.
    case emptyColumnName
    /// A column is requested twice.
    case repeatedColumn(String)
    /// A `v:` column cannot be requested: the API derives those only for full rows.
    case derivedColumn(String)
    /// A `b:` (cutout) column cannot be exported.
    case cutoutColumn(String)
    /// Two columns would get one output name under the plain name style.
    case nameCollision(first: String, second: String, name: String)
    /// A column first seen after the table's columns were fixed by its first rows.
    case lateColumn(table: String, column: String)
    /// A record holds a key twice (`row` counts from 1 within the answer).
    case repeatedKey(table: String, row: Int, column: String)
    /// A value does not fit its column (`row` counts from 1 within the answer).
    case valueDoesNotFit(table: String, row: Int, objectId: String?, column: String, reason: String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .emptyColumnName:
            return "the requested columns hold an empty column name"
        case .repeatedColumn(let name):
            return "the requested columns name \(MessageText.shown(name)) twice"
        case .derivedColumn(let name):
            return "\(MessageText.shown(name)) cannot be selected: the API computes v: columns only when no columns are given"
        case .cutoutColumn(let name):
            return "\(MessageText.shown(name)) cannot be exported: cutouts are not part of an export"
        case .nameCollision(let first, let second, let name):
            return "columns \(MessageText.shown(first)) and \(MessageText.shown(second)) would both be written as \"\(name)\""
        case .lateColumn(let table, let column):
            return "\(table): column \(MessageText.shown(column)) appears in the data after the table's columns were fixed by its first rows; the API's schema (/api/v1/schema) types such a column from the start when it can be read"
        case .repeatedKey(let table, let row, let column):
            return "\(table) row \(row): the record holds the key \(MessageText.shown(column)) twice"
        case .valueDoesNotFit(let table, let row, let objectId, let column, let reason):
            let object = objectId.map { " (object \(MessageText.shown($0)))" } ?? ""
            return "\(table) row \(row)\(object), column \(MessageText.shown(column)): \(reason)"
        }
    }
}
