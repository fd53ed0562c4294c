import CSVSink
import FinkExport
import Foundation
import JSONLinesSink
import SinkConformance
import Testing

@Suite("Sinks: CSV and JSON Lines files that pandas and friends load as written")
struct SinkTests {
    /// A small table with every storage type, odd names, nulls, unicode and extremes.
    static let schema = TableSchema(name: "objects", fields: [
        Field(name: "i:candid", sourceName: "i:candid", type: .long),
        Field(name: "i:magpsf", sourceName: "i:magpsf", type: .float),
        Field(name: "d:from_upper", sourceName: "d:from_upper", type: .bool),
        Field(name: "text, \"quoted\"\nname", sourceName: "x", type: .string, origin: .inferred),
    ])

    static let batch = RecordBatch(schema: schema, columns: [
        Column(values: .integer([9_223_372_036_854_775_806, -1, 0]), validity: [true, true, false]),
        Column(values: .real([18.291412, .infinity, .nan]), validity: [true, true, false]),
        Column(values: .boolean([true, false, false]), validity: [true, true, false]),
        Column(values: .text(TextColumn(["Bo\u{f6}tes, \"EB*\"", "", "line\nbreak\u{1}"])), validity: nil),
    ], rowCount: 3)

    /// Writes `batch` with `format` to `name` in a scratch directory and returns the final file.
    static func write(_ format: any SinkFormat, name: String, options: [String] = [], batch: RecordBatch = batch,
                      in scratch: ScratchDirectory) throws -> URL {
        let staging = OutputStaging(overwrite: false)
        let url = scratch.path(name)
        let writer = try format.makeWriter(destination: try staging.destination(for: url),
                                           options: try SinkOptions(options, specs: format.descriptor.options, format: format.descriptor.name))
        try writer.beginTable(batch.schema)
        try writer.write(batch)
        let unrepresentable = try writer.endTable().unrepresentableAsNull
        var provenance = Provenance(source: "test", exportedAt: "now")
        provenance.tables = [Provenance.TableRecord(name: "objects", rows: batch.rowCount, columns: [], unrepresentableAsNull: unrepresentable)]
        try writer.finish(provenance: provenance)
        writer.close()
        try staging.commit()
        return url
    }

    @Test("CSV: RFC 4180 quoting, empty field for null, \"\" for an empty string, exact ids, shortest floats")
    func csv() throws {
        let scratch = try ScratchDirectory()
        let url = try Self.write(CSVFormat(), name: "objects.csv", in: scratch)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text == "i:candid,i:magpsf,d:from_upper,\"text, \"\"quoted\"\"\nname\"\r\n"
            + "9223372036854775806,18.291412,true,\"Bo\u{f6}tes, \"\"EB*\"\"\"\r\n"
            + "-1,inf,false,\"\"\r\n"
            + ",,,\"line\nbreak\u{1}\"\r\n")
        #expect(try scratch.entries() == ["objects.csv", "objects.csv.meta.json"])
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: scratch.path("objects.csv.meta.json"))) as! [String: Any]
        #expect(sidecar["tool"] as? String == "fink-export")
    }

    @Test("CSV: LF line ends on request")
    func csvLineFeed() throws {
        let scratch = try ScratchDirectory()
        let url = try Self.write(CSVFormat(), name: "objects.csv", options: ["line-terminator=lf"], in: scratch)
        #expect(!(try String(contentsOf: url, encoding: .utf8)).contains("\r"))
    }

    @Test("rows longer together than the output's buffer are written whole, plain and through gzip")
    func largeSlices() throws {
        // 3,000 rows of about 90 bytes: slices of 1,024 rows pass the 64 KiB buffer, so they
        // go to the file (or to zlib) from where they were laid out.
        let rows = 3_000
        let longSchema = TableSchema(name: "objects", fields: [
            Field(name: "id", sourceName: "id", type: .long),
            Field(name: "name", sourceName: "name", type: .string),
        ])
        let names = (0 ..< rows).map { "object \($0) " + String(repeating: "\u{e9}x", count: 36) }
        let long = RecordBatch(schema: longSchema, columns: [
            Column(values: .integer((0 ..< rows).map { Int64($0) * 1_000_003 }), validity: nil),
            Column(values: .text(TextColumn(names)), validity: nil),
        ], rowCount: rows)
        let scratch = try ScratchDirectory()
        let plain = try Self.write(CSVFormat(), name: "long.csv", batch: long, in: scratch)
        let expected = "id,name\r\n" + (0 ..< rows).map { "\(Int64($0) * 1_000_003),\(names[$0])\r\n" }.joined()
        #expect(try String(contentsOf: plain, encoding: .utf8) == expected)
        let packed = try Self.write(CSVFormat(), name: "long.csv.gz", batch: long, in: scratch)
        #expect(try Self.gunzip(packed) == Data(expected.utf8))
        let lines = try Self.write(JSONLinesFormat(), name: "long.jsonl", batch: long, in: scratch)
        let read = try String(contentsOf: lines, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(read.count == rows)
        #expect(read.map { $0["name"] as? String } == names)
        #expect(read.map { ($0["id"] as? NSNumber)?.int64Value } == (0 ..< rows).map { Int64($0) * 1_000_003 })
    }

    static func gunzip(_ url: URL) throws -> Data {
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gunzip.arguments = ["-dc", url.path]
        let pipe = Pipe()
        gunzip.standardOutput = pipe
        try gunzip.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        gunzip.waitUntilExit()
        #expect(gunzip.terminationStatus == 0)
        return data
    }

    @Test("gzip follows the .gz extension and decompresses to the same bytes")
    func gzip() throws {
        let scratch = try ScratchDirectory()
        let plain = try Self.write(CSVFormat(), name: "plain.csv", in: scratch)
        let packed = try Self.write(CSVFormat(), name: "packed.csv.gz", in: scratch)
        #expect(try Self.gunzip(packed) == (try Data(contentsOf: plain)))
        #expect(try Data(contentsOf: packed).prefix(2) == Data([0x1F, 0x8B]))
    }

    @Test("JSON Lines: one object per line in column order, null for missing, ids exact, infinity counted")
    func jsonLines() throws {
        let scratch = try ScratchDirectory()
        let url = try Self.write(JSONLinesFormat(), name: "objects.jsonl", in: scratch)
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4 && lines.last == "")
        #expect(lines[0] == #"{"i:candid":9223372036854775806,"i:magpsf":18.291412,"d:from_upper":true,"text, \"quoted\"\nname":"Bo\u{f6}tes, \"EB*\""}"#.replacingOccurrences(of: "\\u{f6}", with: "\u{f6}"))
        #expect(lines[1] == #"{"i:candid":-1,"i:magpsf":null,"d:from_upper":false,"text, \"quoted\"\nname":""}"#)
        #expect(lines[2] == #"{"i:candid":null,"i:magpsf":null,"d:from_upper":null,"text, \"quoted\"\nname":"line\nbreak\u0001"}"#)
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: scratch.path("objects.jsonl.meta.json"))) as! [String: Any]
        let tables = sidecar["tables"] as! [[String: Any]]
        #expect((tables[0]["unrepresentableAsNull"] as? [String: Int]) == ["i:magpsf": 1])
    }

    @Test("the registry finds formats by name and by the longest extension, and refuses clashes")
    func registry() throws {
        var registry = try SinkRegistry([CSVFormat(), JSONLinesFormat()])
        #expect(registry.format(named: "CSV")?.descriptor.name == "csv")
        #expect(registry.format(forPath: "out/objects.csv.gz")?.extension == "csv.gz")
        #expect(registry.format(forPath: "x.NDJSON")?.format.descriptor.name == "jsonl")
        #expect(registry.format(forPath: "x.parquet") == nil)
        #expect(throws: SinkError.formatNameTaken("csv")) { try registry.register(CSVFormat()) }
    }

    @Test("sink options are checked against each format's declared options")
    func options() throws {
        let specs = CSVFormat().descriptor.options
        #expect(try SinkOptions([], specs: specs, format: "csv")["compression"] == "auto")
        #expect(try SinkOptions(["compression=gzip"], specs: specs, format: "csv")["compression"] == "gzip")
        #expect(throws: SinkError.optionValue(name: "compression", value: "zstd", expected: .choice(["auto", "none", "gzip"]))) {
            try SinkOptions(["compression=zstd"], specs: specs, format: "csv")
        }
        #expect(throws: SinkError.unknownOption(format: "csv", name: "colour", known: ["compression", "line-terminator"])) {
            try SinkOptions(["colour=red"], specs: specs, format: "csv")
        }
        #expect(throws: SinkError.optionSyntax("compression")) { try SinkOptions(["compression"], specs: specs, format: "csv") }
        #expect(throws: SinkError.repeatedOption("compression")) {
            try SinkOptions(["compression=gzip", "compression=none"], specs: specs, format: "csv")
        }
    }

    @Test("output layout: two tables of a one-table format need a directory; files are named per table")
    func layout() throws {
        let registry = try SinkRegistry([CSVFormat(), JSONLinesFormat()])
        let scratch = try ScratchDirectory()
        let directory = try OutputLayout(path: scratch.url.path + "/out/", formatName: "csv", optionAssignments: ["compression=gzip"],
                                         tables: [.anomalies, .objects], registry: registry)
        #expect(directory.files[.objects]?.lastPathComponent == "objects.csv.gz")
        #expect(directory.files[.anomalies]?.lastPathComponent == "anomalies.csv.gz")
        let single = try OutputLayout(path: scratch.path("a.jsonl").path, formatName: nil, optionAssignments: [],
                                      tables: [.objects], registry: registry)
        #expect(single.format.descriptor.name == "jsonl")
        #expect(throws: SinkError.oneTablePerFile(format: "csv", tables: ["anomalies", "objects"])) {
            try OutputLayout(path: scratch.path("a.csv").path, formatName: nil, optionAssignments: [], tables: [.anomalies, .objects], registry: registry)
        }
        #expect(throws: SinkError.extensionMismatch(path: scratch.path("a.csv").path, extensionFormat: "csv", format: "jsonl")) {
            try OutputLayout(path: scratch.path("a.csv").path, formatName: "jsonl", optionAssignments: [], tables: [.objects], registry: registry)
        }
        #expect(throws: SinkError.formatNotInferable(path: "out/", known: ["csv", "jsonl"])) {
            try OutputLayout(path: "out/", formatName: nil, optionAssignments: [], tables: [.objects], registry: registry)
        }
        #expect(throws: SinkError.unknownFormat("xml", known: ["csv", "jsonl"])) {
            try OutputLayout(path: "out.csv", formatName: "xml", optionAssignments: [], tables: [.objects], registry: registry)
        }
    }

    @Test("staging: nothing appears under the final name until commit; discard leaves nothing; existing files are kept")
    func staging() throws {
        let scratch = try ScratchDirectory()
        let staging = OutputStaging(overwrite: false)
        let temporary = try staging.stage(scratch.path("objects.csv"))
        try Data("partial".utf8).write(to: temporary)
        #expect(try scratch.entries().allSatisfy { $0.hasPrefix(".objects.csv.partial-") })
        staging.discard()
        #expect(try scratch.entries().isEmpty)

        try Data("keep".utf8).write(to: scratch.path("objects.csv"))
        #expect(throws: SinkError.outputExists(path: scratch.path("objects.csv").path, canAppend: false)) {
            try OutputStaging(overwrite: false).stage(scratch.path("objects.csv"))
        }
        #expect(throws: SinkError.directoryMissing(path: scratch.path("missing/objects.csv").path, directory: scratch.path("missing").path)) {
            try OutputStaging(overwrite: false).stage(scratch.path("missing/objects.csv"))
        }
        let replacing = OutputStaging(overwrite: true)
        try Data("new".utf8).write(to: try replacing.stage(scratch.path("objects.csv")))
        try replacing.commit()
        #expect(try String(contentsOf: scratch.path("objects.csv"), encoding: .utf8) == "new")
        #expect(try scratch.entries() == ["objects.csv"])
    }

    @Test("staging: a rename that fails part-way through a commit puts back the files renamed before it",
          arguments: [false, true])
    func commitAllOrNothing(objectsExistedBefore: Bool) throws {
        let scratch = try ScratchDirectory()
        try Data("old anomalies".utf8).write(to: scratch.path("anomalies.csv"))
        if objectsExistedBefore { try Data("old objects".utf8).write(to: scratch.path("objects.csv")) }
        let staging = OutputStaging(overwrite: true)
        for name in ["anomalies.csv", "objects.csv", "objects.csv.meta.json"] {
            try Data("new \(name)".utf8).write(to: try staging.stage(scratch.path(name)))
        }
        // The third rename fails: something made a directory of its final name after staging.
        try FileManager.default.createDirectory(at: scratch.path("objects.csv.meta.json"), withIntermediateDirectories: false)
        #expect(throws: SinkError.self) { try staging.commit() }
        #expect(try String(contentsOf: scratch.path("anomalies.csv"), encoding: .utf8) == "old anomalies")
        var left = ["anomalies.csv", "objects.csv.meta.json"]
        if objectsExistedBefore {
            #expect(try String(contentsOf: scratch.path("objects.csv"), encoding: .utf8) == "old objects")
            left.append("objects.csv")
        }
        #expect(try scratch.entries() == left.sorted(), "no new file under a final name, nothing hidden left")
    }
}
