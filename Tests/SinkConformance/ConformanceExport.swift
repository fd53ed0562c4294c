import FinkExport
import Foundation

/// Writes fixtures the way the pipeline does (staged files, one writer per file, the contract's
/// call order, commit at the end) and compares what the sink's reader finds with them.
enum ConformanceExport {
    /// A step of the export failed; `step` is the writer call (`beginTable`, `write`, …).
    struct StepFailed: Error, CustomStringConvertible {
        let step: String
        let table: String
        let underlying: any Error

        var description: String { "\(step)(\(table)) threw \(underlying)" }

        /// Whether `beginTable` refused with a ``SinkError`` of kind `.usage`.
        var isUsageRefusalByBeginTable: Bool {
            step == "beginTable" && (underlying as? SinkError)?.kind == .usage
        }
    }

    /// The final files written, and each table's report, in fixture order.
    struct Written {
        var files: [URL]
        var reports: [TableWriteReport]
    }

    /// Provenance as the pipeline would give it for `fixtures`.
    static func provenance(_ fixtures: [TableFixture]) -> Provenance {
        var provenance = Provenance(source: "conformance", exportedAt: "2026-01-01T00:00:00Z")
        provenance.tables = fixtures.map {
            Provenance.TableRecord(name: $0.schema.name, rows: $0.rows.count, columns: Provenance.columns(of: $0.schema))
        }
        return provenance
    }

    /// Writes `fixtures` into `directory`: one file for a format with many tables per file,
    /// else one file per table. On failure every writer is closed, the staging discarded, and
    /// the failure rethrown as ``StepFailed``.
    static func write(_ fixtures: [TableFixture], with sink: SinkUnderTest, in directory: ScratchDirectory) throws -> Written {
        let options = try sink.checkedOptions()
        let ext = sink.format.fileExtension(options: options)
        let groups: [(file: URL, tables: [TableFixture])] = sink.manyTablesPerFile || fixtures.count == 1
            ? [(directory.path("conformance.\(ext)"), fixtures)]
            : fixtures.map { (directory.path("\($0.schema.name).\(ext)"), [$0]) }
        let staging = OutputStaging(overwrite: false)
        var writers: [any TableWriter] = []
        var reports: [TableWriteReport] = []
        var step = "makeWriter", table = ""
        do {
            for group in groups {
                let writer = try sink.format.makeWriter(destination: try staging.destination(for: group.file), options: options)
                writers.append(writer)
                for fixture in group.tables {
                    table = fixture.schema.name
                    step = "beginTable"
                    try writer.beginTable(fixture.schema)
                    step = "write"
                    for batch in fixture.batches() { try writer.write(batch) }
                    step = "endTable"
                    reports.append(try writer.endTable())
                }
                step = "finish"
                try writer.finish(provenance: provenance(group.tables))
                writer.close()
            }
            step = "commit"
            try staging.commit()
        } catch {
            for writer in writers { writer.close() }
            staging.discard()
            throw StepFailed(step: step, table: table, underlying: error)
        }
        return Written(files: groups.map(\.file), reports: reports)
    }

    /// Writes `fixtures`, reads them back with the sink's reader and requires the same tables,
    /// and no staged file left behind.
    static func roundTrip(_ fixtures: [TableFixture], with sink: SinkUnderTest, in given: ScratchDirectory? = nil) throws {
        let directory = try given ?? ScratchDirectory()
        let written = try write(fixtures, with: sink, in: directory)
        if let leftover = try directory.entries().first(where: { $0.contains(".partial-") }) {
            throw ConformanceFailure(sink, "a staged file is left after commit: \(leftover)")
        }
        let read = try sink.reader.read(files: written.files, schemas: fixtures.map(\.schema))
        try compare(read, fixtures, reports: written.reports, sink: sink)
    }

    /// Requires `read` to hold the fixtures' tables exactly. A value read as null where one was
    /// written passes only when the writer reported it in `unrepresentableAsNull`.
    static func compare(_ read: [ReadTable], _ fixtures: [TableFixture], reports: [TableWriteReport], sink: SinkUnderTest) throws {
        var problems: [String] = []
        guard read.count == fixtures.count else { throw ConformanceFailure(sink, "read \(read.count) tables, wrote \(fixtures.count)") }
        for (index, (found, fixture)) in zip(read, fixtures).enumerated() {
            let expected = fixture.expected
            let table = expected.name
            guard found.name == table, found.columns == expected.columns else {
                problems.append("table \(table.debugDescription): read \(found.name.debugDescription) with columns \(found.columns.map(\.debugDescription)), wrote columns \(expected.columns.map(\.debugDescription))")
                continue
            }
            guard found.rows.count == expected.rows.count else {
                problems.append("table \(table): read \(found.rows.count) rows, wrote \(expected.rows.count)")
                continue
            }
            var nulled = [Int](repeating: 0, count: expected.columns.count)
            for (row, (got, wrote)) in zip(found.rows, expected.rows).enumerated() {
                guard got.count == wrote.count else {
                    problems.append("table \(table), row \(row): \(got.count) values for \(wrote.count) columns")
                    continue
                }
                for (column, (value, original)) in zip(got, wrote).enumerated() where value != original {
                    if value == .null { nulled[column] += 1; continue }
                    problems.append("table \(table), column \(expected.columns[column].debugDescription), row \(row): wrote \(original), read \(value)")
                }
            }
            for (column, count) in nulled.enumerated() where count > 0 {
                let name = expected.columns[column]
                let reported = index < reports.count ? reports[index].unrepresentableAsNull[name] ?? 0 : 0
                if reported < count {
                    let rows = expected.rows.indices.filter { found.rows[$0].count > column && found.rows[$0][column] == .null && expected.rows[$0][column] != .null }
                    problems.append("table \(table), column \(name.debugDescription): \(count) value(s) read as null, \(reported) reported unrepresentable; rows \(rows.prefix(5).map(String.init)), first written \(expected.rows[rows[0]][column])")
                }
            }
        }
        guard problems.isEmpty else {
            throw ConformanceFailure(sink, problems.prefix(8).joined(separator: "\n") + (problems.count > 8 ? "\n… \(problems.count - 8) more" : ""))
        }
    }
}
