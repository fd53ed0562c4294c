import FinkExport
import Foundation
import SinkSupport

/// Writes one table as CSV.
final class CSVWriter: TableWriter {
    private let destination: SinkDestination
    private let output: ByteOutput
    private let sidecar: URL
    private let lineEnd: [UInt8]
    private var table: String?
    private var grid = TextCellGrid(prefixes: [], rowEnd: [])

    init(destination: SinkDestination, options: SinkOptions) throws {
        self.destination = destination
        lineEnd = options["line-terminator"] == "lf" ? [0x0A] : [0x0D, 0x0A]
        sidecar = try Sidecar.reserve(beside: destination)
        output = try ByteOutput(url: destination.stagingURL, displayPath: destination.finalURL.path,
                                gzip: CompressionOption.isGzip(options, finalPath: destination.finalURL.path))
    }

    func beginTable(_ schema: TableSchema) throws {
        guard table == nil else {
            throw SinkError.tableLimit(format: "csv", path: destination.finalURL.path, holding: table!)
        }
        table = schema.name
        grid = TextCellGrid(prefixes: schema.fields.indices.map { $0 == 0 ? [] : [UInt8(ascii: ",")] }, rowEnd: lineEnd)
        try output.append { out in
            for (index, field) in schema.fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                var name = field.name
                name.withUTF8 { Self.appendField($0, to: &out) }
            }
            out.append(contentsOf: lineEnd)
        }
    }

    func write(_ batch: RecordBatch) throws {
        for rows in TextCellGrid.slices(of: batch.rowCount) {
            Self.render(batch, rows: rows, into: &grid)
            try grid.writeRows(to: output)
        }
    }

    /// The cells of `rows`, a column at a time (the grid is a parameter, not the stored property,
    /// so its appends are not access-checked one by one).
    private static func render(_ batch: RecordBatch, rows: Range<Int>, into grid: inout TextCellGrid) {
        grid.begin(rows: rows.count)
        for column in batch.columns {
            let validity = column.validity
            switch column.values {
            case .integer(let values):
                for row in rows {
                    if validity?[row] ?? true { TextFormatting.appendInteger(values[row], to: &grid.bytes) }
                    grid.endCell()
                }
            case .real(let values):
                for row in rows {
                    if validity?[row] ?? true { TextFormatting.appendDouble(values[row], to: &grid.bytes) }
                    grid.endCell()
                }
            case .boolean(let values):
                for row in rows {
                    if validity?[row] ?? true { grid.bytes.append(contentsOf: values[row] ? trueBytes : falseBytes) }
                    grid.endCell()
                }
            case .text(let text):
                for row in rows {
                    if validity?[row] ?? true { text.withBytes(of: row) { appendField($0, to: &grid.bytes) } }
                    grid.endCell()
                }
            }
        }
    }

    func endTable() throws -> TableWriteReport {
        TableWriteReport()
    }

    func finish(provenance: Provenance) throws {
        try output.close()
        try Sidecar.write(provenance, table: table, to: sidecar, finalPath: destination.finalURL.path)
    }

    func close() {
        output.discard()
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)

    /// Appends a field, quoted when it holds a comma, a quote or a line break, or is empty
    /// (so an empty string differs from a missing value).
    static func appendField(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var needsQuotes = bytes.isEmpty
        for byte in bytes where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}
