import FinkExport
import Foundation

/// Reads JSON Lines: one JSON object per LF-ended line, keys in column order, `null` for a
/// missing value. Numbers are converted from their literal text (an integer column must hold
/// integer literals). Column names come from the `.meta.json` sidecar, which must list them
/// (a file without rows names none itself); every line must have exactly those keys.
package struct JSONLinesFileReader: SinkFileReader {
    package init() {}

    package func read(files: [URL], schemas: [TableSchema]) throws -> [ReadTable] {
        try oneFilePerTable(files, schemas).map { file, schema in
            guard let columns = try MetaSidecar.columns(beside: file, table: schema.name) else {
                throw ReaderError(file, "the sidecar lists no tables, so the columns are unknown")
            }
            guard columns.count == schema.fields.count else { throw ReaderError(file, "\(columns.count) columns for \(schema.fields.count) fields") }
            let bytes = Array(try Data(contentsOf: file))
            guard bytes.isEmpty || bytes.last == 0x0A else { throw ReaderError(file, "the last line has no LF") }
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
            let rows = try lines.enumerated().map { number, line in
                let object: JSONValue
                do { object = try JSONValueParser.parse(line) } catch { throw ReaderError(file, "line \(number + 1): \(error)") }
                guard case .object(let members) = object, members.map(\.key) == columns else {
                    throw ReaderError(file, "line \(number + 1) is not an object with the keys \(columns)")
                }
                return try zip(members, schema.fields).map { member, field in
                    guard let value = Self.value(member.value, as: field.storage) else {
                        throw ReaderError(file, "line \(number + 1), \(member.key.debugDescription): \(member.value) is not a \(field.storage) value")
                    }
                    return value
                }
            }
            return ReadTable(name: schema.name, columns: columns, rows: rows)
        }
    }

    package static func value(_ json: JSONValue, as kind: StorageKind) -> ReadValue? {
        switch (json, kind) {
        case (.null, _): return .null
        case (.number(let literal), .integer): return Int64(literal).map(ReadValue.integer)
        case (.number(let literal), .real): return Double(literal).map(ReadValue.realOrNull)
        case (.bool(let value), .boolean): return .bool(value)
        case (.string(let value), .text): return .text(value)
        default: return nil
        }
    }
}
