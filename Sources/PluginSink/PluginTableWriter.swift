import CFinkExportSink
import FinkExport
import Foundation

/// A ``TableWriter`` that forwards each call of the contract to a plugin's callbacks: schemas
/// and batches cross as Arrow C Data structures, failures come back as a status and a message
/// in a buffer this writer owns.
package final class PluginTableWriter: TableWriter {
    private let plugin: LoadedPlugin
    private let format: String
    private let finalPath: String
    private let message = PluginMessageBuffer()
    private var handle: UnsafeMutableRawPointer?
    private var schema: TableSchema?
    /// The Arrow structures handed to the plugin and released by it.
    package let ledger = ArrowExportLedger()

    init(plugin: LoadedPlugin, format: String, finalPath: String) {
        self.plugin = plugin
        self.format = format
        self.finalPath = finalPath
    }

    private var callbacks: FinkExportSinkDescription { plugin.description }

    /// Runs one callback, turning a failure status into a ``SinkError``.
    private func call(_ body: (UnsafeMutablePointer<FinkExportSinkError>) -> Int32) throws {
        let status = message.withError(body)
        guard status != FINK_EXPORT_SINK_OK else { return }
        let kind: SinkError.Kind
        switch status {
        case FINK_EXPORT_SINK_ERROR_USAGE: kind = .usage
        case FINK_EXPORT_SINK_ERROR_DATA: kind = .data
        default: kind = .output
        }
        let text = message.text
        throw SinkError.plugin(format: format, path: finalPath, kind: kind,
                               message: text.isEmpty ? "the plugin failed with status \(status) and no message" : text)
    }

    func open(staging: String, scratch: String, options: [(key: String, value: String)]) throws {
        try staging.withCString { stagingPath in
            try finalPath.withCString { finalPath in
                try scratch.withCString { scratchPath in
                    try CKeyValues.with(options) { list, count in
                        var args = FinkExportSinkOpenArgs(
                            struct_size: MemoryLayout<FinkExportSinkOpenArgs>.size, staging_path: stagingPath,
                            final_path: finalPath, scratch_directory: scratchPath, options: list, option_count: count)
                        var opened: UnsafeMutableRawPointer?
                        defer { handle = opened }
                        try call { callbacks.open(&args, &opened, $0) }
                    }
                }
            }
        }
    }

    package func beginTable(_ schema: TableSchema) throws {
        guard let handle else { throw SinkError.callOrder("beginTable on a plugin writer that is not open") }
        // Names cross as C strings, which end at the first NUL.
        for name in [schema.name] + schema.fields.map(\.name) where name.utf8.contains(0) {
            throw SinkError.columnNameNotHeld(format: format, column: name, reason: "a plugin receives names as C strings, which cannot hold NUL")
        }
        self.schema = schema
        var exported = ArrowSchema()
        ArrowSchemaExport.export(schema, into: &exported, ledger: ledger)
        defer { reclaim(&exported) }
        try call { callbacks.begin_table(handle, &exported, $0) }
    }

    package func write(_ batch: RecordBatch) throws {
        guard let handle else { throw SinkError.callOrder("write on a plugin writer that is not open") }
        var exported = ArrowArray()
        do {
            try ArrowArrayExport.export(batch, into: &exported, ledger: ledger)
        } catch {
            throw SinkError.valueNotHeld(format: format, table: batch.schema.name, column: error.column,
                                         value: "\(error.bytes) bytes of text in one batch",
                                         reason: "a plugin batch addresses text with 32-bit offsets")
        }
        defer { reclaim(&exported) }
        try call { callbacks.write_batch(handle, &exported, $0) }
    }

    package func endTable() throws -> TableWriteReport {
        guard let handle, let schema else { throw SinkError.callOrder("endTable without beginTable") }
        var counts = [Int64](repeating: 0, count: schema.fields.count)
        var warnings = [CChar](repeating: 0, count: 16_384)
        try counts.withUnsafeMutableBufferPointer { counts in
            try warnings.withUnsafeMutableBufferPointer { warnings in
                var report = FinkExportSinkTableReport(
                    struct_size: MemoryLayout<FinkExportSinkTableReport>.size, unrepresentable_as_null: counts.baseAddress,
                    column_count: Int64(counts.count), warnings: warnings.baseAddress, warnings_capacity: warnings.count)
                try call { callbacks.end_table(handle, &report, $0) }
            }
        }
        self.schema = nil
        warnings[warnings.count - 1] = 0
        let text = warnings.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var nulls: [String: Int] = [:]
        for (field, count) in zip(schema.fields, counts) where count > 0 { nulls[field.name, default: 0] += Int(count) }
        return TableWriteReport(unrepresentableAsNull: nulls,
                                warnings: text.split(separator: "\n").map { String($0) }.filter { !$0.isEmpty })
    }

    package func finish(provenance: Provenance) throws {
        guard let handle else { throw SinkError.callOrder("finish on a plugin writer that is not open") }
        var pairs = provenance.entries
        pairs.append(("provenance", String(decoding: provenance.jsonData(), as: UTF8.self)))
        try CKeyValues.with(pairs) { list, count in
            try call { callbacks.finish(handle, list, count, $0) }
        }
    }

    /// Releases a structure the plugin neither released nor moved out during the call (a
    /// plugin bug the ledger counts), since this frame's copy of it is about to go away.
    private func reclaim(_ schema: inout ArrowSchema) {
        guard let release = schema.release else { return }
        ledger.recordAbandoned()
        release(&schema)
    }

    private func reclaim(_ array: inout ArrowArray) {
        guard let release = array.release else { return }
        ledger.recordAbandoned()
        release(&array)
    }

    package func close() {
        guard let handle else { return }
        self.handle = nil
        callbacks.destroy(handle)
    }

    deinit {
        close()
    }
}
