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
    private var style = CSVCellStyle()

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
            grid.render(batch, rows: rows, style: &style)
            try grid.writeRows(to: output)
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

    /// Whether a field must be quoted: empty (so an empty string differs from a missing value),
    /// or holding a comma, a quote or a line break.
    static func needsQuotes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.isEmpty { return true }
        for byte in bytes where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D {
            return true
        }
        return false
    }

    /// Appends a field, quoted when ``needsQuotes(_:)`` says so.
    static func appendField(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard needsQuotes(bytes) else {
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

/// CSV cells: a missing value is an empty field, doubles as Swift writes them (`inf`, `nan` too).
struct CSVCellStyle: TextCellStyle {
    func appendMissing(to out: CellBytes) {}

    func appendReal(_ value: Double, column: Int, to out: CellBytes) {
        TextFormatting.appendDouble(value, to: out)
    }

    func appendText(_ bytes: UnsafeBufferPointer<UInt8>, to out: CellBytes) {
        guard CSVWriter.needsQuotes(bytes) else {
            out.append(bytes)
            return
        }
        // Rare (a comma, quote or line break in the text): the array path is fast enough.
        var quoted: [UInt8] = []
        CSVWriter.appendField(bytes, to: &quoted)
        quoted.withUnsafeBufferPointer { out.append($0) }
    }
}
