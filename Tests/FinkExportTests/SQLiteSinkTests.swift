import FinkExport
import Foundation
import SQLiteSink
import SinkConformance
import Testing

@Suite("SQLite sink: typed tables, provenance, safe appends", .serialized)
struct SQLiteSinkTests {
    @Test("any column name is written as a quoted identifier, values typed, nulls as NULL")
    func oddNamesAndValues() throws {
        let scratch = try ScratchDirectory()
        let schema = TableSchema(name: "objects", fields: [
            Field(name: "i:objectId", sourceName: "i:objectId", type: .string),
            Field(name: "select \"from\"; --", sourceName: "x", type: .long, origin: .inferred),
            Field(name: "É<&>", sourceName: "y", type: .double, origin: .inferred),
            Field(name: "flag", sourceName: "z", type: .bool, origin: .inferred),
        ])
        let batch = RecordBatch(schema: schema, columns: [
            Column(values: .text(TextColumn(["ZTF1", "Bo\u{f6}tes 'q' \"d\""]))),
            Column(values: .integer([9_223_372_036_854_775_806, 0]), validity: [true, false]),
            Column(values: .real([.infinity, .nan]), validity: [true, false]),
            Column(values: .boolean([true, false])),
        ], rowCount: 2)
        let url = scratch.path("odd.sqlite")
        let staging = OutputStaging(overwrite: false)
        let writer = try SQLiteFormat().makeWriter(destination: try staging.destination(for: url),
                                                   options: try SinkOptions([], specs: SQLiteFormat().descriptor.options, format: "sqlite"))
        try writer.beginTable(schema)
        try writer.write(batch)
        _ = try writer.endTable()
        try writer.finish(provenance: Provenance(source: "test", exportedAt: "now"))
        try staging.commit()
        let rows = SQLiteReader.query(url.path, #"SELECT "i:objectId", "select ""from""; --", typeof("É<&>"), "É<&>", flag FROM objects"#)
        #expect(rows == [["ZTF1", "9223372036854775806", "real", "Inf", "1"], ["Bo\u{f6}tes 'q' \"d\"", nil, "null", nil, "0"]])
        #expect(SQLiteReader.query(url.path, "PRAGMA journal_mode") == [["delete"]])
    }

    @Test("a second export is refused unless --append, which adds only alerts not already there")
    func append() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("fink.sqlite").path
        let first = try CLI.run(["--sample", "--n", "3", "--output", path, "--quiet"])
        #expect(first.status == 0, "\(first.stderr)")
        let rows = SQLiteReader.query(path, "SELECT COUNT(*) FROM objects")[0][0]!
        let refused = try CLI.run(["--sample", "--n", "3", "--output", path])
        #expect(refused.status == 73)
        #expect(refused.stderr.contains("--append"))

        let again = try CLI.run(["--sample", "--n", "6", "--output", path, "--append"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("were already in the output and were not added again"))
        let after = SQLiteReader.query(path, #"SELECT COUNT(*), COUNT(DISTINCT "i:candid") FROM objects"#)[0]
        #expect(after[0] == after[1])
        #expect(Int(after[0]!)! > Int(rows)!)
        let counted = SQLiteReader.query(path, #"SELECT nulls FROM fink_export_columns WHERE "table" = 'objects' AND name = 'i:magpsf'"#)[0][0]
        #expect(counted == SQLiteReader.query(path, #"SELECT COUNT(*) - COUNT("i:magpsf") FROM objects"#)[0][0])
        let history = SQLiteReader.query(path, "SELECT value FROM fink_export_meta WHERE key = 'export_history'")[0][0]!
        #expect((try JSONSerialization.jsonObject(with: Data(history.utf8)) as! [Any]).count == 2)

        let different = try CLI.run(["--sample", "--n", "3", "--columns", "i:jd,i:candid", "--output", path, "--append"])
        #expect(different.status == 73)
        #expect(different.stderr.contains("columns differ"))
        #expect(SQLiteReader.query(path, "SELECT COUNT(*) FROM objects")[0][0] == after[0])
        let csv = try CLI.run(["--sample", "--output", scratch.url.path + "/o/", "--format", "csv", "--append"])
        #expect(csv.status == 64)
    }
}
