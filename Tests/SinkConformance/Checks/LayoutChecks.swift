import FinkExport

/// Checks of what tables and columns a file can hold.
extension ConformanceCheck {
    /// A table that gets beginTable and endTable but no write keeps its columns.
    package static let emptyTable = ConformanceCheck("an empty table keeps its columns") { sink in
        var fixture = StorageKindsFixture.make()
        fixture = TableFixture(schema: fixture.schema, rows: [])
        try ConformanceExport.roundTrip([fixture], with: sink)
    }

    /// Two tables: in one file when the format holds many, else in a file each; a format
    /// holding one table refuses a second on the same writer with a usage error.
    package static let twoTables = ConformanceCheck("two tables, and one per file refused with a usage error") { sink in
        let first = TableFixture(
            schema: TableSchema(name: "first", fields: [TableFixture.field("id", .long), TableFixture.field("name", .string)]),
            rows: (0 ..< 5).map { [.integer(Int64($0)), .text("object \($0)")] })
        let second = TableFixture(
            schema: TableSchema(name: "second", fields: [TableFixture.field("flag", .bool), TableFixture.field("value", .double)]),
            rows: [[.bool(true), .real(2.5)], [.null, .real(-1e-300)], [.bool(false), .null]])
        try ConformanceExport.roundTrip([first, second], with: sink)
        guard !sink.manyTablesPerFile else { return }

        let directory = try ScratchDirectory()
        let staging = OutputStaging(overwrite: false)
        let options = try sink.checkedOptions()
        let writer = try sink.format.makeWriter(
            destination: try staging.destination(for: directory.path("both.\(sink.format.fileExtension(options: options))")), options: options)
        defer { writer.close(); staging.discard() }
        try writer.beginTable(first.schema)
        for batch in first.batches() { try writer.write(batch) }
        _ = try writer.endTable()
        do {
            try writer.beginTable(second.schema)
            throw ConformanceFailure(sink, "a second beginTable on a one-table writer was accepted")
        } catch let error as SinkError where error.kind == .usage {
            // The refusal the contract asks for.
        } catch let error as SinkError {
            throw ConformanceFailure(sink, "a second table was refused with \(error.kind) error \(error), not a usage error")
        }
    }

    /// Names formats quote or escape: each is written and read back exactly, or refused by
    /// beginTable with a usage error. Nothing else (a wrong name, an output error) passes.
    package static let hostileColumnNames = ConformanceCheck("hostile column names kept or refused as usage") { sink in
        let names = [
            "\"quoted\"", "it's", "new\nline", "cr\rname", "<&>", "a,b", " padded ", "select", "Boötes", "🔭 telescope",
            "tab\tname", "back\\slash", "i:magpsf", "NUL\u{0}inside",
        ]
        // A name per table, beside an ordinary column, so one refusal hides no other name.
        var tables = names.map { [TableFixture.field("id", .long), TableFixture.field($0, .string)] }
        // A name a format may reserve for the companion of another column.
        tables.append([TableFixture.field("x", .string), TableFixture.field("x.mask", .string)])
        for (index, fields) in tables.enumerated() {
            let rows: [[ReadValue]] = [[fields[0].storage == .integer ? .integer(1) : .text("first"), .text("v")],
                                       [fields[0].storage == .integer ? .integer(2) : .text(""), .null], [.null, .text("")]]
            let fixture = TableFixture(schema: TableSchema(name: "names\(index)", fields: fields), rows: rows)
            let directory = try ScratchDirectory()
            do {
                try ConformanceExport.roundTrip([fixture], with: sink, in: directory)
            } catch let failure as ConformanceExport.StepFailed where failure.isUsageRefusalByBeginTable {
                // Refused as the contract allows; the discarded export must leave nothing.
                if let leftover = try directory.entries().first {
                    throw ConformanceFailure(sink, "refusing \(fields.map(\.name.debugDescription)) left \(leftover)")
                }
            } catch {
                throw ConformanceFailure(sink, "column names \(fields.map(\.name.debugDescription)): \(error)")
            }
        }
    }
}
