import FinkExport
import SinkSupport

/// Writes one table into one Parquet file: `PAR1`, row groups of column chunks as they fill,
/// then the footer (the Thrift `FileMetaData`, its length, `PAR1`).
///
/// A row group is held as compressed pages, in a scratch file (``PageSpool``), until its
/// columns reach ``Settings/rowGroupSize`` bytes before compression; then it is written out,
/// column after column, so memory stays bounded whatever the table's or the row group's size.
/// Pages close at 1 MiB, or all at once when the open ones pass ``openPageBudget``.
final class ParquetWriter: TableWriter {
    struct Settings {
        var compression: PageCompressor.Method
        var rowGroupSize: Int
        var float32: Bool
        /// Column lanes, each encoding and compressing its columns on a thread of its own. The
        /// file is the same whatever the count.
        var lanes = ColumnLanes.defaultCount
    }

    private let destination: SinkDestination
    private let settings: Settings
    private let output: ByteOutput
    private let spool: PageSpool
    private var position: Int64 = 0
    private var schema: TableSchema?
    private var columns: [LeafColumn] = []
    private var lanes: ColumnLanes?
    /// Every column's chunk writer, in column order.
    private var chunks: [ColumnChunkWriter] { lanes?.chunks ?? [] }
    private var rowGroups: [RowGroupRecord] = []
    private var rows: Int64 = 0
    private var tableDone = false

    init(destination: SinkDestination, settings: Settings) throws {
        self.destination = destination
        self.settings = settings
        spool = try PageSpool(directory: try destination.makeScratchDirectory(), displayPath: destination.finalURL.path)
        output = try ByteOutput(url: destination.stagingURL, displayPath: destination.finalURL.path, gzip: false)
        try emit(Self.magic)
    }

    static let magic: [UInt8] = Array("PAR1".utf8)

    /// `fink-export version X`, the form parquet-java's version parser accepts (a writer it
    /// cannot parse has its string statistics ignored).
    static let createdBy = "fink-export version \(FinkExportVersion.current)"

    func beginTable(_ schema: TableSchema) throws {
        if let held = self.schema {
            throw SinkError.tableLimit(format: "parquet", path: destination.finalURL.path, holding: held.name)
        }
        self.schema = schema
        columns = schema.fields.map { Self.leaf($0, float32: settings.float32) }
        lanes = ColumnLanes(columns: columns, compression: settings.compression, spool: spool, laneCount: settings.lanes)
    }

    /// The physical type and annotation of a field. Every column is OPTIONAL: any Fink
    /// column can be missing in an alert (and most are on upper-limit rows), and the
    /// catalogue does not say otherwise.
    static func leaf(_ field: Field, float32: Bool) -> LeafColumn {
        switch field.storage {
        case .integer:
            let narrow = field.bitWidth == 32
            return LeafColumn(name: field.name, type: narrow ? .int32 : .int64, repetition: .optional,
                              logical: .integer(bitWidth: narrow ? 32 : 64))
        case .real:
            return LeafColumn(name: field.name, type: float32 && field.bitWidth == 32 ? .float : .double,
                              repetition: .optional, logical: nil)
        case .boolean:
            return LeafColumn(name: field.name, type: .boolean, repetition: .optional, logical: nil)
        case .text:
            return LeafColumn(name: field.name, type: .byteArray, repetition: .optional, logical: .string)
        }
    }

    func write(_ batch: RecordBatch) throws {
        guard schema != nil, !tableDone else { throw SinkError.callOrder("write outside a table") }
        try wrap("writing \(batch.schema.name)") {
            try lanes?.forEach { index, chunk in try chunk.append(batch.columns[index]) }
        }
        if chunks.contains(where: { !$0.encodingDecided }) {
            // The first rows tell how many rows a row group will hold.
            let bytes = max(1, chunks.reduce(0) { $0 + $1.estimatedSize })
            let rowsSoFar = chunks.first?.rowCount ?? 0
            let projected = Int(Double(settings.rowGroupSize) / Double(bytes) * Double(rowsSoFar))
            for chunk in chunks { chunk.decideEncoding(projectedRows: projected) }
        }
        if chunks.reduce(0, { $0 + $1.estimatedSize }) >= settings.rowGroupSize || chunks.contains(where: \.dictionaryFull) {
            try writeRowGroup()
        } else if chunks.reduce(0, { $0 + $1.openPageBytes }) > min(Self.openPageBudget, settings.rowGroupSize / 2) {
            try wrap("compressing pages of \(batch.schema.name)") {
                try lanes?.forEach { _, chunk in try chunk.closePage() }
            }
        }
    }

    /// Uncompressed bytes the open pages of all columns may hold together (or half of a
    /// smaller row group). A wide table's columns rarely reach the 1 MiB page limit within a
    /// row group, so without this bound the whole row group would wait uncompressed; with it,
    /// the row group is held compressed.
    static let openPageBudget = 32 << 20

    func endTable() throws -> TableWriteReport {
        guard schema != nil, !tableDone else { throw SinkError.callOrder("endTable outside a table") }
        try writeRowGroup()
        tableDone = true
        return TableWriteReport()
    }

    func finish(provenance: Provenance) throws {
        guard let schema else { throw SinkError.callOrder("finish before a table") }
        let footer = FileMetadata(
            rootName: "schema", columns: columns, numRows: rows, rowGroups: rowGroups,
            keyValues: ParquetKeyValues.entries(table: schema, columns: columns, textWidths: chunks.map(\.longestText),
                                                provenance: provenance),
            createdBy: Self.createdBy).encoded()
        try emit(footer)
        try emit(.littleEndian(UInt32(footer.count)))
        try emit(Self.magic)
        try output.close()
        spool.close()
    }

    func close() {
        output.discard()
        spool.close()
    }

    /// Writes the buffered rows as one row group; nothing when there are none.
    private func writeRowGroup() throws {
        guard let rowCount = chunks.first?.rowCount, rowCount > 0 else { return }
        // The open pages compressed on every lane first; the chunks then go out one by one.
        try wrap("compressing the last pages of \(schema?.name ?? "the table")") {
            try lanes?.forEach { _, chunk in try chunk.closePage() }
        }
        var records: [ColumnChunkRecord] = []
        for chunk in chunks {
            let record = try wrap("writing column \(MessageText.shown(chunk.column.name))") {
                try chunk.writeChunk(at: position) { try emit($0) }
            }
            records.append(record)
        }
        rowGroups.append(RowGroupRecord(columns: records, numRows: Int64(rowCount), ordinal: rowGroups.count))
        rows += Int64(rowCount)
        try spool.reset()
    }

    private func emit(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try emit($0) }
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws {
        try output.write(bytes.assumingMemoryBound(to: UInt8.self))
        position += Int64(bytes.count)
    }

    /// Turns a compression failure into an output error naming the final path.
    private func wrap<T>(_ action: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as CompressionFailure {
            throw SinkError.write(path: destination.finalURL.path, action: action, reason: failure.description)
        }
    }
}
