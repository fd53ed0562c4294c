import FinkExport
import Foundation
import SinkConformance

/// A cell of a batch, as tests compare it.
enum Value: Equatable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case bool(Bool)
    case text(String)

    var description: String {
        switch self {
        case .null: return "null"
        case .integer(let v): return "\(v)"
        case .real(let v): return "\(v)"
        case .bool(let v): return "\(v)"
        case .text(let v): return "\"\(v)\""
        }
    }
}

extension Value {
    /// What an independent reader of the conformance kit read.
    init(_ read: ReadValue) {
        switch read {
        case .null: self = .null
        case .integer(let value): self = .integer(value)
        case .real(let value): self = .real(value)
        case .bool(let value): self = .bool(value)
        case .text(let value): self = .text(value)
        }
    }
}

/// A test asked for a column or a row the mapping did not produce.
struct MissingInMapping: Error, CustomStringConvertible {
    let description: String
}

/// The rows a mapping produced, read back by output name.
struct MappedTable {
    var schema: TableSchema
    var batches: [RecordBatch]
    var stats: AnswerStats

    var rowCount: Int { batches.reduce(0) { $0 + $1.rowCount } }
    /// Distinct object ids, in first-seen order.
    var objectIds: [String] { stats.rowsPerObject.map(\.objectId) }
    /// Columns typed from their values: `column as type`.
    var inferred: [String] { stats.inferredColumns.map { "\($0.column) as \($0.type.rawValue)" } }

    /// The value of column `name` in `row`; a column the schema lacks is an error, never a null.
    func value(_ name: String, row: Int) throws -> Value {
        guard schema.index(of: name) != nil else {
            throw MissingInMapping(description: "the mapped table has no column \(name.debugDescription)")
        }
        var row = row
        for batch in batches {
            if row < batch.rowCount {
                return Self.value(batch.column(named: name)!, row)
            }
            row -= batch.rowCount
        }
        throw MissingInMapping(description: "row \(row) is beyond the table's \(rowCount) rows")
    }

    func column(_ name: String) throws -> [Value] {
        try (0 ..< rowCount).map { try value(name, row: $0) }
    }

    static func value(_ column: Column, _ row: Int) -> Value {
        guard column.isValid(row) else { return .null }
        switch column.values {
        case .integer(let values): return .integer(values[row])
        case .real(let values): return .real(values[row])
        case .boolean(let values): return .bool(values[row])
        case .text(let text): return .text(text[row])
        }
    }
}

/// Maps a JSON (or CSV) body as the pipeline maps a saved file: through ``AnswerReader``.
/// A mapping error comes out as the ``MappingError`` the assembler threw.
func map(_ body: String, table: ExportTable = .objects, options: MappingOptions = MappingOptions()) throws -> MappedTable {
    try map(Data(body.utf8), table: table, options: options)
}

func map(_ body: Data, table: ExportTable = .objects, options: MappingOptions = MappingOptions()) throws -> MappedTable {
    let assembler = BatchAssembler(table: table, mapper: try SchemaMapper(options: options))
    var reader = try AnswerReader(body: body, source: .file("test"), into: assembler, sniff: true)
    do {
        let batches = try reader.readAll()
        return MappedTable(schema: try assembler.finish(), batches: batches, stats: reader.stats)
    } catch let error as DataError {
        throw error.mappingError ?? error
    }
}

/// A reader handler that records what the reader reports, for reader tests.
struct RecordingHandler: RecordHandler {
    enum Event: Equatable {
        case begin
        case value(key: String, cell: String)
        case end
    }

    /// A number as the reader took it apart while scanning it.
    struct Number {
        let text: String
        let double: Double?
        let integer: IntegerParse
    }

    var keys: [String] = []
    var events: [Event] = []
    var numbers: [Number] = []

    mutating func beginRecord() throws { events.append(.begin) }
    mutating func endRecord() throws { events.append(.end) }

    mutating func slot(forKey key: UnsafeBufferPointer<UInt8>) throws -> Int {
        keys.append(String(decoding: key, as: UTF8.self))
        return keys.count - 1
    }

    mutating func value(_ cell: Cell, slot: Int) throws {
        let text: String
        switch cell {
        case .null: text = "null"
        case .bool(let flag): text = "bool:\(flag)"
        case .number(let number):
            text = "number:" + String(decoding: number.bytes, as: UTF8.self)
            numbers.append(Number(text: String(text.dropFirst(7)), double: number.double, integer: number.integer))
        case .string(let b): text = "string:" + String(decoding: b, as: UTF8.self)
        case .text(let b): text = "text:" + String(decoding: b, as: UTF8.self)
        case .composite(let b): text = "composite:" + String(decoding: b, as: UTF8.self)
        }
        events.append(.value(key: keys[slot], cell: text))
    }

    /// The values of each record as key → cell.
    var records: [[String: String]] {
        var out: [[String: String]] = []
        for event in events {
            switch event {
            case .begin: out.append([:])
            case .value(let key, let cell): out[out.count - 1][key] = cell
            case .end: break
            }
        }
        return out
    }
}

func readJSON(_ text: String) throws -> RecordingHandler {
    var handler = RecordingHandler()
    try Array(text.utf8).withUnsafeBufferPointer { try JSONRecordReader.read($0, into: &handler) }
    return handler
}

func readError(_ text: String) -> ReadError? {
    do {
        _ = try readJSON(text)
        return nil
    } catch let error as ReadError {
        return error
    } catch {
        return nil
    }
}
