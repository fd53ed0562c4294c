import FinkExport
import Foundation

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

/// The rows a mapping produced, read back by output name.
struct MappedTable {
    var schema: TableSchema
    var batches: [RecordBatch]
    var warnings: [String]
    var objectIds: [String]

    var rowCount: Int { batches.reduce(0) { $0 + $1.rowCount } }

    func value(_ name: String, row: Int) -> Value {
        var row = row
        for batch in batches {
            if row < batch.rowCount {
                guard let column = batch.column(named: name) else { return .null }
                return Self.value(column, row)
            }
            row -= batch.rowCount
        }
        fatalError("row out of range")
    }

    func column(_ name: String) -> [Value] {
        (0 ..< rowCount).map { value(name, row: $0) }
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

/// Maps a JSON (or CSV) body the way the pipeline does.
func map(_ body: String, table: ExportTable = .objects, options: MappingOptions = MappingOptions()) throws -> MappedTable {
    try map(Data(body.utf8), table: table, options: options)
}

func map(_ body: Data, table: ExportTable = .objects, options: MappingOptions = MappingOptions()) throws -> MappedTable {
    let mapper = try SchemaMapper(options: options)
    var batches: [RecordBatch] = []
    var assembler = BatchAssembler(table: table, mapper: mapper) { batches.append($0) }
    try body.withUnsafeBytes { raw in
        let bytes = raw.bindMemory(to: UInt8.self)
        if bytes.first == UInt8(ascii: "[") || bytes.first == UInt8(ascii: " ") {
            try JSONRecordReader.read(bytes, into: &assembler)
        } else {
            try CSVRecordReader.read(bytes, into: &assembler)
        }
    }
    let schema = try assembler.finish()
    return MappedTable(schema: schema, batches: batches, warnings: assembler.warnings, objectIds: assembler.objectIds)
}

/// A reader handler that records what the reader reports, for reader tests.
struct RecordingHandler: RecordHandler {
    enum Event: Equatable {
        case begin
        case value(key: String, cell: String)
        case end
    }

    var keys: [String] = []
    var events: [Event] = []

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
        case .number(let b): text = "number:" + String(decoding: b, as: UTF8.self)
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
