import FinkExport
import Foundation
import SinkSupport

/// Writes one table as JSON Lines.
final class JSONLinesWriter: TableWriter {
    private let destination: SinkDestination
    private let output: ByteOutput
    private let sidecar: URL
    private var table: String?
    /// Rows as `{"name":value,…}`, each key escaped once.
    private var grid = TextCellGrid(prefixes: [], rowEnd: [])
    private var style = JSONCellStyle(columns: 0)
    private var names: [String] = []

    init(destination: SinkDestination, options: SinkOptions) throws {
        self.destination = destination
        sidecar = try Sidecar.reserve(beside: destination)
        output = try ByteOutput(url: destination.stagingURL, displayPath: destination.finalURL.path,
                                gzip: CompressionOption.isGzip(options, finalPath: destination.finalURL.path))
    }

    func beginTable(_ schema: TableSchema) throws {
        guard table == nil else {
            throw SinkError.tableLimit(format: "jsonl", path: destination.finalURL.path, holding: table!)
        }
        table = schema.name
        names = schema.fields.map(\.name)
        style = JSONCellStyle(columns: schema.fields.count)
        let keys = schema.fields.enumerated().map { index, field in
            var key: [UInt8] = index == 0 ? [UInt8(ascii: "{")] : [UInt8(ascii: ",")]
            var name = field.name
            name.withUTF8 { JSONText.appendString($0, to: &key) }
            key.append(UInt8(ascii: ":"))
            return key
        }
        grid = TextCellGrid(prefixes: keys, rowEnd: Array("}\n".utf8))
    }

    func write(_ batch: RecordBatch) throws {
        if batch.columns.isEmpty {
            for _ in 0 ..< batch.rowCount { try output.write("{}\n" as StaticString) }
            return
        }
        for rows in TextCellGrid.slices(of: batch.rowCount) {
            grid.render(batch, rows: rows, style: &style)
            try grid.writeRows(to: output)
        }
    }

    func endTable() throws -> TableWriteReport {
        var counts: [String: Int] = [:]
        for (index, count) in style.infinities.enumerated() where count > 0 { counts[names[index]] = count }
        return TableWriteReport(unrepresentableAsNull: counts)
    }

    func finish(provenance: Provenance) throws {
        try output.close()
        try Sidecar.write(provenance, table: table, to: sidecar, finalPath: destination.finalURL.path)
    }

    func close() {
        output.discard()
    }
}

/// JSON cells: a missing value is `null`, strings escaped. JSON has no infinity or NaN: such a
/// double is written as null (the file stays valid) and counted per column for the report.
struct JSONCellStyle: TextCellStyle {
    private(set) var infinities: [Int]

    init(columns: Int) {
        infinities = Array(repeating: 0, count: columns)
    }

    func appendMissing(to out: CellBytes) {
        out.append("null")
    }

    mutating func appendReal(_ value: Double, column: Int, to out: CellBytes) {
        if value.isFinite {
            TextFormatting.appendDouble(value, to: out)
        } else {
            infinities[column] += 1
            appendMissing(to: out)
        }
    }

    func appendText(_ bytes: UnsafeBufferPointer<UInt8>, to out: CellBytes) {
        JSONText.appendString(bytes, to: out)
    }
}
