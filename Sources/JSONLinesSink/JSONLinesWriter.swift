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
    private var infinities: [Int] = []
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
        infinities = Array(repeating: 0, count: schema.fields.count)
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
            Self.render(batch, rows: rows, into: &grid, infinities: &infinities)
            try grid.writeRows(to: output)
        }
    }

    /// The cells of `rows`, a column at a time (the grid is a parameter, not the stored property,
    /// so its appends are not access-checked one by one).
    private static func render(_ batch: RecordBatch, rows: Range<Int>, into grid: inout TextCellGrid, infinities: inout [Int]) {
        grid.begin(rows: rows.count)
        for (index, column) in batch.columns.enumerated() {
            let validity = column.validity
            switch column.values {
            case .integer(let values):
                for row in rows {
                    if validity?[row] ?? true {
                        TextFormatting.appendInteger(values[row], to: &grid.bytes)
                    } else {
                        grid.bytes.append(contentsOf: nullBytes)
                    }
                    grid.endCell()
                }
            case .real(let values):
                for row in rows {
                    let value = values[row]
                    if (validity?[row] ?? true) && value.isFinite {
                        TextFormatting.appendDouble(value, to: &grid.bytes)
                    } else {
                        // JSON has no infinity; null keeps the file valid, and the count is reported.
                        if validity?[row] ?? true { infinities[index] += 1 }
                        grid.bytes.append(contentsOf: nullBytes)
                    }
                    grid.endCell()
                }
            case .boolean(let values):
                for row in rows {
                    if validity?[row] ?? true {
                        grid.bytes.append(contentsOf: values[row] ? trueBytes : falseBytes)
                    } else {
                        grid.bytes.append(contentsOf: nullBytes)
                    }
                    grid.endCell()
                }
            case .text(let text):
                for row in rows {
                    if validity?[row] ?? true {
                        text.withBytes(of: row) { JSONText.appendString($0, to: &grid.bytes) }
                    } else {
                        grid.bytes.append(contentsOf: nullBytes)
                    }
                    grid.endCell()
                }
            }
        }
    }

    func endTable() throws -> TableWriteReport {
        var counts: [String: Int] = [:]
        for (index, count) in infinities.enumerated() where count > 0 { counts[names[index]] = count }
        return TableWriteReport(unrepresentableAsNull: counts)
    }

    func finish(provenance: Provenance) throws {
        try output.close()
        try Sidecar.write(provenance, table: table, to: sidecar, finalPath: destination.finalURL.path)
    }

    func close() {
        output.discard()
    }

    private static let nullBytes = Array("null".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
}
