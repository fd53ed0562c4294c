import FinkExport
import Foundation

/// Reads VOTable tables by the IVOA specification: each TABLE by its name, its FIELDs as the
/// columns, values typed by each FIELD's datatype. TABLEDATA: an empty TD is null, and so is
/// NaN in a real. BINARY2: per row a null-flag bitmap (one bit per field, most significant
/// first), then each field big-endian; variable-length arrays (`arraysize="*"`) start with
/// their element count.
package struct VOTableFileReader: SinkFileReader {
    package init() {}

    package func read(files: [URL], schemas: [TableSchema]) throws -> [ReadTable] {
        let file = try singleFile(files)
        let tables = try VOTableDocument.parse(try Data(contentsOf: file), file: file)
        return try schemas.map { schema in
            guard let table = tables.first(where: { $0.name == schema.name }) else {
                throw ReaderError(file, "no TABLE named \(schema.name); found \(tables.map(\.name))")
            }
            let rows: [[ReadValue]]
            switch table.data {
            case .none: throw ReaderError(file, "\(schema.name) has no TABLEDATA or BINARY2")
            case .tableData(let cells): rows = try cells.enumerated().map { try Self.row($1, number: $0 + 1, fields: table.fields, file: file) }
            case .binary2(let base64): rows = try Self.binary2(base64, fields: table.fields, file: file)
            }
            return ReadTable(name: table.name, columns: table.fields.map(\.name), rows: rows)
        }
    }

    // MARK: TABLEDATA

    private static func row(_ cells: [String?], number: Int, fields: [VOTableDocument.FieldInfo], file: URL) throws -> [ReadValue] {
        guard cells.count == fields.count else { throw ReaderError(file, "TR \(number) has \(cells.count) cells for \(fields.count) fields") }
        return try zip(cells, fields).map { cell, field in
            guard let cell else { return .null }
            let trimmed = cell.trimmingCharacters(in: .whitespaces)
            let value: ReadValue?
            switch field.datatype {
            case "long", "int", "short", "unsignedByte": value = Int64(trimmed).map(ReadValue.integer)
            case "double": value = Double(trimmed).map(ReadValue.realOrNull)
            case "float": value = Float(trimmed).map { .realOrNull(Double($0)) }
            case "boolean":
                switch trimmed.lowercased() {
                case "t", "true", "1": value = .bool(true)
                case "f", "false", "0": value = .bool(false)
                case "?": value = .null
                default: value = nil
                }
            case "char", "unicodeChar": value = .text(cell)
            default: throw ReaderError(file, "unknown datatype \(field.datatype)")
            }
            guard let value else { throw ReaderError(file, "TR \(number): \(cell.debugDescription) is not a \(field.datatype)") }
            return value
        }
    }

    // MARK: BINARY2

    private struct Cursor {
        let bytes: [UInt8]
        var index = 0
        let file: URL

        mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, index + count <= bytes.count else { throw ReaderError(file, "the BINARY2 stream ends inside a row") }
            defer { index += count }
            return bytes[index ..< index + count]
        }

        mutating func bigEndian(_ count: Int) throws -> UInt64 {
            try take(count).reduce(0) { $0 << 8 | UInt64($1) }
        }
    }

    private static func binary2(_ base64: String, fields: [VOTableDocument.FieldInfo], file: URL) throws -> [[ReadValue]] {
        guard let data = Data(base64Encoded: String(base64.unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) })) else {
            throw ReaderError(file, "the STREAM is not valid base64")
        }
        var cursor = Cursor(bytes: Array(data), file: file)
        var rows: [[ReadValue]] = []
        while cursor.index < cursor.bytes.count {
            let flags = Array(try cursor.take((fields.count + 7) / 8))
            rows.append(try fields.enumerated().map { index, field in
                let value = try binaryValue(field, from: &cursor)
                return flags[index / 8] & (0x80 >> UInt8(index % 8)) != 0 ? .null : value
            })
        }
        return rows
    }

    private static func binaryValue(_ field: VOTableDocument.FieldInfo, from cursor: inout Cursor) throws -> ReadValue {
        func signed(_ bytes: Int) throws -> Int64 {
            let raw = try cursor.bigEndian(bytes)
            let shift = UInt64(64 - 8 * bytes)
            return Int64(bitPattern: raw << shift) >> Int64(shift) // sign-extends
        }
        switch field.datatype {
        case "double": return .realOrNull(Double(bitPattern: try cursor.bigEndian(8)))
        case "float": return .realOrNull(Double(Float(bitPattern: UInt32(try cursor.bigEndian(4)))))
        case "long": return .integer(try signed(8))
        case "int": return .integer(try signed(4))
        case "short": return .integer(try signed(2))
        case "unsignedByte": return .integer(Int64(try cursor.bigEndian(1)))
        case "boolean":
            switch try cursor.take(1).first! {
            case UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: "1"): return .bool(true)
            case UInt8(ascii: "F"), UInt8(ascii: "f"), UInt8(ascii: "0"): return .bool(false)
            case UInt8(ascii: "?"), UInt8(ascii: " "), 0: return .null
            case let other: throw ReaderError(cursor.file, "boolean byte \(other)")
            }
        case "char", "unicodeChar":
            let count: Int
            switch field.arraysize {
            case nil: count = 1
            case let size? where size.hasSuffix("*"): count = Int(try cursor.bigEndian(4))
            case let size?:
                guard let fixed = Int(size) else { throw ReaderError(cursor.file, "arraysize \(size) is not read by this reader") }
                count = fixed
            }
            if field.datatype == "char" {
                let bytes = try cursor.take(count)
                guard bytes.allSatisfy({ $0 < 0x80 }) else { throw ReaderError(cursor.file, "a char value of \(field.name) is not ASCII") }
                return .text(String(decoding: bytes, as: UTF8.self))
            }
            var units: [UInt16] = []
            for _ in 0 ..< count { units.append(UInt16(try cursor.bigEndian(2))) }
            guard let text = String(validating: units, as: UTF16.self) else {
                throw ReaderError(cursor.file, "a unicodeChar value of \(field.name) is not valid UTF-16")
            }
            return .text(text)
        default:
            throw ReaderError(cursor.file, "datatype \(field.datatype) is not read by this reader")
        }
    }
}
