import CHDF5
import FinkExport
import SinkSupport

/// A table as one 1-D compound dataset named after it: a member per column, plus a bool
/// `<column>.mask` member for every integer, boolean and string column (true = missing),
/// and astropy's `<table>.__table_column_meta__` so astropy restores units and masks.
final class CompoundLayout: TableLayout {
    private struct Slot {
        let kind: MemberKind
        let value: Int
        let mask: Int?
    }

    let schema: TableSchema
    private let file: hid_t
    private let settings: HDF5Writer.Settings
    private var members: [Member] = []
    private var slots: [Slot] = []
    private var dataset: ExtendableDataset?

    init(file: hid_t, schema: TableSchema, settings: HDF5Writer.Settings) throws {
        self.file = file
        self.schema = schema
        self.settings = settings
        for field in schema.fields {
            let kind = Self.kind(of: field, float32: settings.float32)
            let value = members.count
            members.append(Member(name: field.name, kind: kind))
            var mask: Int?
            if field.storage != .real {
                mask = members.count
                members.append(Member(name: field.name + ".mask", kind: .bool))
            }
            slots.append(Slot(kind: kind, value: value, mask: mask))
        }
    }

    /// Reals are float64 (the exact value received) unless `float32` asks 32-bit source
    /// columns to be stored in 32 bits; integers keep their source width.
    static func kind(of field: Field, float32: Bool) -> MemberKind {
        switch field.storage {
        case .real: return float32 && field.bitWidth == 32 ? .float32 : .float64
        case .integer: return field.bitWidth == 32 ? .int32 : .int64
        case .boolean: return .bool
        case .text: return .string(width: 1)
        }
    }

    func append(_ batch: RecordBatch) throws {
        let widths = requiredWidths(batch)
        if dataset == nil { try create(widths: widths) }
        guard let dataset else { return }
        try dataset.append(count: batch.rowCount, widths: widths) { base in
            self.encode(batch, into: base, offsets: dataset.offsets, rowSize: dataset.rowSize)
        }
    }

    func finish() throws {
        if dataset == nil { try create(widths: Array(repeating: nil, count: members.count)) }
        guard let dataset else { return }
        try HDF5Attributes.write("column_names", strings: schema.fields.map(\.name), on: dataset.id)
        try HDF5Attributes.write("column_sources", strings: schema.fields.map(\.sourceName), on: dataset.id)
        try HDF5Attributes.write("column_types", strings: schema.fields.map(\.type.rawValue), on: dataset.id)
        try HDF5Attributes.write("column_units", strings: schema.fields.map { $0.unit ?? "" }, on: dataset.id)
        try HDF5Attributes.write("column_ucds", strings: schema.fields.map { $0.ucd ?? "" }, on: dataset.id)
        try HDF5Attributes.write("column_descriptions", strings: schema.fields.map { $0.description ?? "" }, on: dataset.id)
        try HDF5Attributes.write("int32_fill_value", integer: HDF5Writer.int32Fill, on: dataset.id)
        try HDF5Attributes.write("int64_fill_value", integer: HDF5Writer.int64Fill, on: dataset.id)
        try HDF5Attributes.write("nulls", string: "floats: NaN; integers, booleans and strings: the fill value (the minimum integer, false, empty) with <column>.mask true", on: dataset.id)
        let columns = zip(schema.fields, slots).map { field, slot in
            AstropyMetadata.Column(name: field.name, datatype: Self.astropyType(slot.kind), unit: field.unit,
                                   description: field.description, ucd: field.ucd,
                                   mask: slot.mask.map { members[$0].name })
        }
        let lines = AstropyMetadata.lines(columns: columns, tableMeta: [("table", schema.name), ("rows", String(dataset.rows))])
        try HDF5Attributes.writeDataset("\(schema.name).__table_column_meta__", strings: lines, under: file)
        try dataset.finish()
        self.dataset = nil
    }

    func close() {
        try? dataset?.close()
        dataset = nil
    }

    // MARK: Encoding

    private func create(widths: [Int?]) throws {
        for (index, width) in widths.enumerated() {
            if case .string = members[index].kind {
                // A little slack saves rebuilding for strings just longer than the first batch's.
                members[index].kind = .string(width: max(1, ((width ?? 1) + 7) / 8 * 8))
            }
        }
        let rowSize = members.reduce(0) { $0 + $1.kind.size }
        let chunkRows = settings.chunkRows > 0 ? settings.chunkRows : ExtendableDataset.defaultChunkRows(rowSize: rowSize)
        dataset = try ExtendableDataset(parent: file, name: schema.name, members: members, chunkRows: chunkRows,
                                        compressionLevel: settings.compressionLevel)
    }

    private func requiredWidths(_ batch: RecordBatch) -> [Int?] {
        var widths = [Int?](repeating: nil, count: members.count)
        for (column, slot) in zip(batch.columns, slots) {
            guard case .text(let text) = column.values else { continue }
            var widest = 0
            for row in 0 ..< batch.rowCount { widest = max(widest, text.range(of: row).count) }
            widths[slot.value] = widest
        }
        return widths
    }

    private func encode(_ batch: RecordBatch, into base: UnsafeMutableRawPointer, offsets: [Int], rowSize: Int) {
        for (column, slot) in zip(batch.columns, slots) {
            let offset = offsets[slot.value]
            let maskOffset = slot.mask.map { offsets[$0] }
            for row in 0 ..< batch.rowCount {
                let cell = base + row * rowSize
                let valid = column.isValid(row)
                if let maskOffset, !valid { cell.storeBytes(of: UInt8(1), toByteOffset: maskOffset, as: UInt8.self) }
                switch column.values {
                case .real(let values):
                    let value = valid ? values[row] : .nan
                    if slot.kind == .float32 {
                        cell.storeBytes(of: Float(value).bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self)
                    } else {
                        cell.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: offset, as: UInt64.self)
                    }
                case .integer(let values):
                    if slot.kind == .int32 {
                        let value = valid ? Int32(truncatingIfNeeded: values[row]) : Int32.min
                        cell.storeBytes(of: value.littleEndian, toByteOffset: offset, as: Int32.self)
                    } else {
                        let value = valid ? values[row] : Int64.min
                        cell.storeBytes(of: value.littleEndian, toByteOffset: offset, as: Int64.self)
                    }
                case .boolean(let values):
                    cell.storeBytes(of: UInt8(valid && values[row] ? 1 : 0), toByteOffset: offset, as: UInt8.self)
                case .text(let text):
                    let range = text.range(of: row)
                    guard valid, !range.isEmpty else { continue }
                    text.bytes.withUnsafeBytes { bytes in
                        (cell + offset).copyMemory(from: bytes.baseAddress! + range.lowerBound, byteCount: range.count)
                    }
                }
            }
        }
    }

    static func astropyType(_ kind: MemberKind) -> String {
        switch kind {
        case .float64: return "float64"
        case .float32: return "float32"
        case .int64: return "int64"
        case .int32: return "int32"
        case .bool: return "bool"
        case .string: return "string"
        }
    }
}
