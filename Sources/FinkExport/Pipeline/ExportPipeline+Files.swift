import Foundation

/// An export from saved answers (`convert`): one file per table, JSON or the API's CSV.
extension ExportPipeline {
    func exportFiles(_ files: [ExportTable: URL], into writers: WriterSet, meter: ExportMeter) async throws -> [TableLedger] {
        var ledgers: [TableLedger] = []
        for table in tables {
            guard let file = files[table] else { continue }
            let data: Data
            do {
                data = try Data(contentsOf: file, options: .alwaysMapped)
            } catch {
                throw SavedAnswerError(path: file.path, reason: (error as NSError).localizedDescription)
            }
            let assembler = BatchAssembler(table: table, mapper: mapper)
            var reader = try AnswerReader(body: data, source: .file(file.path), into: assembler, sniff: true)
            var ledger = TableLedger(table: table)
            try await copy(&reader, to: &ledger, writers: writers)
            try await close(&ledger, schema: try assembler.finish(), writers: writers)
            meter.answered(table, rows: ledger.rows, bytes: data.count)
            ledgers.append(ledger)
        }
        return ledgers
    }
}

/// A saved answer given to `convert` cannot be read from disk.
public struct SavedAnswerError: Error, Equatable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// The system's reason.
    public let reason: String

    /// One line for the user.
    public var description: String { "cannot read \(path): \(reason)" }
}
