import FinkExport
import Foundation

/// Reads CSV as RFC 4180 defines it: a header of names, then records; a field may be quoted,
/// with `""` for a quote inside. An empty unquoted field is null, a quoted empty one (`""`)
/// the empty string. Values are typed by the schema's storage; a `.meta.json` sidecar must
/// sit beside the file and list the same columns.
package struct CSVFileReader: SinkFileReader {
    package init() {}

    package func read(files: [URL], schemas: [TableSchema]) throws -> [ReadTable] {
        try oneFilePerTable(files, schemas).map { file, schema in
            let records = try Self.records(Array(try Data(contentsOf: file)), in: file)
            guard let header = records.first else { throw ReaderError(file, "no header") }
            let columns = try header.map { field in
                guard let name = field.text else { throw ReaderError(file, "an empty, unquoted name in the header") }
                return name
            }
            if let listed = try MetaSidecar.columns(beside: file, table: schema.name), listed != columns {
                throw ReaderError(file, "the header \(columns) differs from the sidecar's columns \(listed)")
            }
            let storage = schema.fields.map(\.storage)
            guard storage.count == columns.count else { throw ReaderError(file, "\(columns.count) columns for \(storage.count) fields") }
            let rows = try records.dropFirst().enumerated().map { index, record in
                guard record.count == columns.count else {
                    throw ReaderError(file, "record \(index + 1) has \(record.count) fields, the header \(columns.count)")
                }
                return try zip(record, storage).map { field, kind in
                    try Self.value(field, as: kind, in: file, record: index + 1)
                }
            }
            return ReadTable(name: schema.name, columns: columns, rows: rows)
        }
    }

    /// One field: its text, nil when it was empty and unquoted.
    struct FieldText {
        var text: String?
    }

    static func value(_ field: FieldText, as kind: StorageKind, in file: URL, record: Int) throws -> ReadValue {
        guard let text = field.text else { return .null }
        let parsed: ReadValue?
        switch kind {
        case .integer: parsed = Int64(text).map(ReadValue.integer)
        case .real: parsed = Double(text).map(ReadValue.realOrNull)
        case .boolean: parsed = text == "true" ? .bool(true) : text == "false" ? .bool(false) : nil
        case .text: parsed = .text(text)
        }
        guard let parsed else { throw ReaderError(file, "record \(record): \(text.debugDescription) is not a \(kind) value") }
        return parsed
    }

    /// Splits `bytes` into records of fields. Records end in CRLF or LF; a quoted field may
    /// hold commas, quotes and line breaks.
    static func records(_ bytes: [UInt8], in file: URL) throws -> [[FieldText]] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        var records: [[FieldText]] = []
        var record: [FieldText] = []
        var field: [UInt8] = []
        var wasQuoted = false
        var index = 0
        func endField() throws {
            record.append(FieldText(text: field.isEmpty && !wasQuoted ? nil : try decodeUTF8(field, in: file, "a field")))
            field.removeAll()
            wasQuoted = false
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case quote:
                guard field.isEmpty && !wasQuoted else { throw ReaderError(file, "a quote inside an unquoted field at byte \(index - 1)") }
                wasQuoted = true
                while true {
                    guard index < bytes.count else { throw ReaderError(file, "a quoted field is not closed") }
                    let inner = bytes[index]
                    index += 1
                    if inner != quote { field.append(inner); continue }
                    guard index < bytes.count, bytes[index] == quote else { break }
                    field.append(quote)
                    index += 1
                }
                // After the closing quote only a separator or a record end may follow.
                if index < bytes.count, ![comma, cr, lf].contains(bytes[index]) {
                    throw ReaderError(file, "text after a closing quote at byte \(index)")
                }
            case comma:
                try endField()
            case cr:
                guard index < bytes.count, bytes[index] == lf else { throw ReaderError(file, "a CR outside quotes not followed by LF") }
            case lf:
                try endField()
                records.append(record)
                record = []
            default:
                guard !wasQuoted else { throw ReaderError(file, "text after a closing quote") }
                field.append(byte)
            }
        }
        guard record.isEmpty && field.isEmpty && !wasQuoted else { throw ReaderError(file, "the last record has no line end") }
        return records
    }
}
