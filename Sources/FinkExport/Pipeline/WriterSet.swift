import Foundation

/// The open writers of an export, one per output file, fed through one ``WriterThread``.
///
/// It keeps the sink contract for the pipeline: a table is begun before its first batch (or
/// at its end, when it has none), zero-row batches are not passed on, `finish` is called once
/// per file, and `close` follows `finish` and every failure. The first failure stops every
/// later call and is thrown, as a ``WriterError``, by the next hand-off.
package final class WriterSet: @unchecked Sendable {
    private let thread = WriterThread()
    private let staging: OutputStaging
    // Touched on the writer thread only, once the set is open.
    private var writers: [ExportTable: any TableWriter] = [:]
    private var files: [any TableWriter] = []
    private var begun: Set<ExportTable> = []
    private let lock = NSLock()
    private var failure: WriterError?

    /// The tables that have a writer.
    package let tables: Set<ExportTable>

    /// Stages each table's output and creates its writer (tables sharing a file share one).
    package init(layout: OutputLayout, tables: [ExportTable], overwrite: Bool, append: Bool) async throws {
        staging = OutputStaging(overwrite: overwrite, canAppend: layout.format.descriptor.capabilities.supportsAppend)
        self.tables = Set(tables.filter { layout.files[$0] != nil })
        do {
            try layout.prepareDirectory()
            var planned: [(table: ExportTable, file: URL, destination: SinkDestination?)] = []
            var seen: Set<URL> = []
            for table in tables {
                guard let file = layout.files[table] else { continue }
                let first = seen.insert(file).inserted
                planned.append((table, file, first ? try staging.destination(for: file, appending: append) : nil))
            }
            try await thread.perform { [self, planned] in
                var byFile: [URL: any TableWriter] = [:]
                for (table, file, destination) in planned {
                    if let destination {
                        let writer = try run(.open, table: nil) { try layout.format.makeWriter(destination: destination, options: layout.options) }
                        byFile[file] = writer
                        files.append(writer)
                    }
                    writers[table] = byFile[file]
                }
            }
        } catch {
            await abandon()
            throw error
        }
    }

    /// Hands `batch` over to the writer of `table`, beginning the table first if needed.
    package func write(_ batch: RecordBatch, to table: ExportTable) async throws {
        try rethrowFailure()
        guard batch.rowCount > 0, tables.contains(table) else { return }
        await thread.submit { [self] in
            guard !failed, let writer = writers[table] else { return }
            do {
                try beginIfNeeded(table, writer, schema: batch.schema)
                try run(.write, table: table) { try writer.write(batch) }
            } catch {
                // Kept by run(); the next hand-off throws it.
            }
        }
    }

    /// Ends `table` (beginning it with `schema` if no batch did) and returns the writer's report.
    package func endTable(_ table: ExportTable, schema: TableSchema) async throws -> TableWriteReport {
        guard tables.contains(table) else { return TableWriteReport() }
        return try await thread.perform { [self] in
            try rethrowFailure()
            guard let writer = writers[table] else { return TableWriteReport() }
            try beginIfNeeded(table, writer, schema: schema)
            return try run(.endTable, table: table) { try writer.endTable() }
        }
    }

    /// Finishes and closes every file, runs `beforeCommit`, then renames them into place.
    /// The renames are the last step of an export: what must be undone or cleaned up goes in
    /// `beforeCommit`, so that a process killed after them leaves only complete outputs.
    package func finish(provenance: Provenance, beforeCommit: () -> Void = {}) async throws {
        try await thread.perform { [self] in
            try rethrowFailure()
            for writer in files { try run(.finish, table: nil) { try writer.finish(provenance: provenance) } }
            for writer in files { writer.close() }
        }
        thread.stop()
        beforeCommit()
        try staging.commit()
    }

    /// After a failure: closes every writer and removes every staged file.
    package func abandon() async {
        _ = try? await thread.perform { [self] in
            for writer in files { writer.close() }
        }
        thread.stop()
        staging.discard()
    }

    /// Begins `table` the first time it is written or ended.
    private func beginIfNeeded(_ table: ExportTable, _ writer: any TableWriter, schema: TableSchema) throws {
        guard begun.insert(table).inserted else { return }
        try run(.beginTable, table: table) { try writer.beginTable(schema) }
    }

    // MARK: Failures

    private var failed: Bool { lock.withLock { failure != nil } }

    private func rethrowFailure() throws {
        if let failure = lock.withLock({ failure }) { throw failure }
    }

    /// Runs one writer call, keeping its failure (the first one) as a ``WriterError``.
    @discardableResult
    private func run<T>(_ step: WriterError.Step, table: ExportTable?, _ call: () throws -> T) throws -> T {
        do {
            return try call()
        } catch {
            let failure = WriterError(table: table?.rawValue, step: step, underlying: error)
            lock.withLock { if self.failure == nil { self.failure = failure } }
            throw failure
        }
    }
}
