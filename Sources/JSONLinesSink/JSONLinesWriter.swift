import FinkExport
import Foundation
import SinkSupport

/// Writes one table as JSON Lines.
final class JSONLinesWriter: TableWriter {
    private let destination: SinkDestination
    private let output: ByteOutput
    private let sidecar: URL
    private var table: String?
    /// `"name":` for each column, escaped once.
    private var keys: [[UInt8]] = []
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
        keys = schema.fields.enumerated().map { index, field in
            var key: [UInt8] = index == 0 ? [UInt8(ascii: "{")] : [UInt8(ascii: ",")]
            var name = field.name
            name.withUTF8 { JSONText.appendString($0, to: &key) }
            key.append(UInt8(ascii: ":"))
            return key
        }
    }

    func write(_ batch: RecordBatch) throws {
        let columns = batch.columns
        if columns.isEmpty {
            for _ in 0 ..< batch.rowCount { try output.write("{}\n" as StaticString) }
            return
        }
        for row in 0 ..< batch.rowCount {
            try output.append { out in
                for (index, column) in columns.enumerated() {
                    out.append(contentsOf: keys[index])
                    guard column.isValid(row) else {
                        out.append(contentsOf: Self.nullBytes)
                        continue
                    }
                    switch column.values {
                    case .integer(let values):
                        TextFormatting.appendInteger(values[row], to: &out)
                    case .real(let values):
                        let value = values[row]
                        if value.isFinite {
                            TextFormatting.appendDouble(value, to: &out)
                        } else {
                            // JSON has no infinity; null keeps the file valid, and the count is reported.
                            out.append(contentsOf: Self.nullBytes)
                            infinities[index] += 1
                        }
                    case .boolean(let values):
                        out.append(contentsOf: values[row] ? Self.trueBytes : Self.falseBytes)
                    case .text(let text):
                        text.withBytes(of: row) { JSONText.appendString($0, to: &out) }
                    }
                }
                out.append(UInt8(ascii: "}"))
                out.append(0x0A)
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
