import CFinkExportSink
import FinkExport

/// A record batch as an Arrow C Data Interface `ArrowArray`: a struct array (`+s`, no
/// top-level nulls) whose children are the columns, each with a validity bitmap when it has
/// nulls. Values are copied into memory the array owns, so the batch may go away at once.
enum ArrowArrayExport {
    /// A batch's text that int32 offsets cannot address.
    struct TextTooLarge: Error {
        let column: String
        let bytes: Int
    }

    /// Fills `base` with `batch`; whoever holds `base` then owns it and must call its `release`
    /// once.
    static func export(_ batch: RecordBatch, into base: UnsafeMutablePointer<ArrowArray>, ledger: ArrowExportLedger) throws(TextTooLarge) {
        for (field, column) in zip(batch.schema.fields, batch.columns) {
            if case .text(let text) = column.values, text.bytes.count > Int(Int32.max) {
                throw TextTooLarge(column: field.name, bytes: text.bytes.count)
            }
        }
        let storage = ExportStorage(ledger: ledger)
        let children = storage.buffer(of: UnsafeMutablePointer<ArrowArray>?.self, count: batch.columns.count)
        for (index, (field, column)) in zip(batch.schema.fields, batch.columns).enumerated() {
            let child = storage.buffer(of: ArrowArray.self, count: 1)
            exportColumn(column, field: field, rows: batch.rowCount, into: child, storage: ExportStorage(ledger: ledger))
            children[index] = child
        }
        let buffers = storage.buffer(of: UnsafeRawPointer?.self, count: 1)
        buffers[0] = nil
        base.initialize(to: ArrowArray(
            length: Int64(batch.rowCount), null_count: 0, offset: 0, n_buffers: 1, n_children: Int64(batch.columns.count),
            buffers: buffers, children: children, dictionary: nil, release: releaseArray,
            private_data: storage.retainedPointer()))
    }

    private static func exportColumn(_ column: Column, field: Field, rows: Int, into array: UnsafeMutablePointer<ArrowArray>,
                                     storage: ExportStorage) {
        var nullCount = 0
        var validity: UnsafeRawPointer?
        if let valid = column.validity {
            nullCount = valid.reduce(0) { $1 ? $0 : $0 + 1 }
            if nullCount > 0 { validity = storage.copy(bitmap(valid)) }
        }
        var buffers: [UnsafeRawPointer?] = [validity]
        switch column.values {
        case .integer(let values):
            buffers.append(field.bitWidth == 32 ? storage.copy(values.map { Int32(truncatingIfNeeded: $0) }) : storage.copy(values))
        case .real(let values):
            buffers.append(storage.copy(values))
        case .boolean(let values):
            buffers.append(storage.copy(bitmap(values)))
        case .text(let text):
            buffers.append(storage.copy(text.offsets.map { Int32(truncatingIfNeeded: $0) }))
            buffers.append(storage.copy(text.bytes))
        }
        let pointers = storage.buffer(of: UnsafeRawPointer?.self, count: buffers.count)
        for (index, buffer) in buffers.enumerated() { pointers[index] = buffer }
        array.initialize(to: ArrowArray(
            length: Int64(rows), null_count: Int64(nullCount), offset: 0, n_buffers: Int64(buffers.count), n_children: 0,
            buffers: pointers, children: nil, dictionary: nil, release: releaseArray, private_data: storage.retainedPointer()))
    }

    /// Bits least significant first, bit `i % 8` of byte `i / 8` set for true.
    static func bitmap(_ flags: [Bool]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: (flags.count + 7) / 8)
        for (index, flag) in flags.enumerated() where flag { bytes[index >> 3] |= 1 << UInt8(index & 7) }
        return bytes
    }
}

/// The producer's release (C Data Interface); see `releaseSchema`.
private let releaseArray: @convention(c) (UnsafeMutablePointer<ArrowArray>?) -> Void = { array in
    guard let array else { return }
    guard array.pointee.release != nil, let storage = array.pointee.private_data else {
        ArrowExportLedger.strayReleases.add(1, ordering: .relaxed)
        return
    }
    for index in 0 ..< Int(array.pointee.n_children) {
        if let child = array.pointee.children?[index], let release = child.pointee.release { release(child) }
    }
    array.pointee.private_data = nil
    array.pointee.release = nil
    ExportStorage.release(storage)
}
