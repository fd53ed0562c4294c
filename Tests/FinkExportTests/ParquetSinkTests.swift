import FinkExport
import Foundation
@testable import ParquetSink
import SinkConformance
import Testing

@Suite("Parquet sink: the encodings as the specification writes them, and the command line")
struct ParquetSinkTests {
    /// The worked example of `Encodings.md` (RLE/bit-packing hybrid): the values 0 to 7 with
    /// bit width 3 bit-pack into `10001000 11000110 11111010`, after the run header
    /// `(1 group << 1) | 1`.
    @Test("bit-packed runs match the specification's example")
    func bitPackedExample() {
        var encoder = HybridEncoder(bitWidth: 3)
        for value in UInt32(0) ... 7 { encoder.append(value) }
        #expect(encoder.finish() == [0x03, 0b1000_1000, 0b1100_0110, 0b1111_1010])
    }

    @Test("a run of eight or more equal values is one RLE run; a short tail is padded to a group of eight")
    func runsAndPadding() {
        var encoder = HybridEncoder(bitWidth: 1)
        encoder.append(1, count: 1000)
        encoder.append(0)
        encoder.append(1)
        // RLE header varint(1000 << 1) = D0 0F, value 01; then one bit-packed group of 0, 1
        // and six padding zeros: header 03, bits 0b0000_0010.
        #expect(encoder.finish() == [0xD0, 0x0F, 0x01, 0x03, 0b0000_0010])
    }

    @Test("convert writes a Parquet file: PAR1 at both ends, and formats lists the sink and its options")
    func convertAndList() throws {
        let scratch = try ScratchDirectory()
        let saved = scratch.path("saved.json")
        try Data(#"[{"i:objectId":"ZTF1","i:candid":1234567890123456789,"i:jd":2459000.5}]"#.utf8).write(to: saved)
        let result = try CLI.run(["convert", "--objects", saved.path, "--output", scratch.path("out.pq").path, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = [UInt8](try Data(contentsOf: scratch.path("out.pq")))
        #expect(bytes.prefix(4) == [0x50, 0x41, 0x52, 0x31] && bytes.suffix(4) == [0x50, 0x41, 0x52, 0x31])
        let formats = try CLI.run(["formats"])
        #expect(formats.stdout.contains("parquet  "))
        #expect(formats.stdout.contains(".parquet .pq"))
        #expect(formats.stdout.contains("compression        zstd|snappy|gzip|none, default zstd"))
    }

    @Test("a compression level the codec does not have is a usage error before any file or directory",
          arguments: [["compression=gzip", "compression-level=12"], ["compression=none", "compression-level=3"]])
    func levelOutsideCodec(options: [String]) throws {
        let scratch = try ScratchDirectory()
        let result = try CLI.run(["--sample", "--format", "parquet", "--output", scratch.path("out").path + "/"]
                                 + options.flatMap { ["--option", $0] })
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("compression level") || result.stderr.contains("compression-level"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try scratch.entries().isEmpty)
    }

    /// A table of every storage type, with nulls, repeated and unique strings, written in
    /// `batches` batches of `rows` rows.
    static func laneTable(batches: Int, rows: Int) -> (TableSchema, [RecordBatch]) {
        let schema = TableSchema(name: "objects", fields: [
            Field(name: "id", sourceName: "id", type: .long, origin: .inferred),
            Field(name: "mag", sourceName: "mag", type: .double, origin: .inferred),
            Field(name: "band", sourceName: "band", type: .string, origin: .inferred),
            Field(name: "flag", sourceName: "flag", type: .bool, origin: .inferred),
            Field(name: "note", sourceName: "note", type: .string, origin: .inferred),
            Field(name: "count", sourceName: "count", type: .int, origin: .inferred),
            Field(name: "jd", sourceName: "jd", type: .double, origin: .inferred),
        ])
        var generator = SystemRandomNumberGenerator()
        let batches = (0 ..< batches).map { batch in
            let first = batch * rows
            return RecordBatch(schema: schema, columns: [
                Column(values: .integer((0 ..< rows).map { Int64(first + $0) * 1_000_003 })),
                Column(values: .real((0 ..< rows).map { _ in Double.random(in: 12 ... 22, using: &generator) }),
                       validity: (0 ..< rows).map { ($0 + batch) % 7 != 0 }),
                Column(values: .text(TextColumn((0 ..< rows).map { ["g", "r", "i"][($0 + first) % 3] }))),
                Column(values: .boolean((0 ..< rows).map { $0 % 3 == 0 })),
                Column(values: .text(TextColumn((0 ..< rows).map { "note \(first + $0) \(UInt64.random(in: 0 ... .max, using: &generator))" }))),
                Column(values: .integer((0 ..< rows).map { Int64(($0 * 37) % 1000) }), validity: (0 ..< rows).map { $0 % 5 != 0 }),
                Column(values: .real((0 ..< rows).map { 2_460_000.5 + Double(first + $0) / 1e3 })),
            ], rowCount: rows)
        }
        return (schema, batches)
    }

    @Test("column lanes change nothing in the file: one lane and three write the same bytes, row groups and pages included")
    func lanesWriteTheSameFile() throws {
        let scratch = try ScratchDirectory()
        let (schema, batches) = Self.laneTable(batches: 6, rows: 3_000)
        var files: [Data] = []
        for lanes in [1, 3] {
            let url = scratch.path("lanes-\(lanes).parquet")
            let staging = OutputStaging(overwrite: false)
            // Small row groups and so small open-page budgets: several row groups, pages closed
            // within batches and between them.
            let writer = try ParquetWriter(destination: try staging.destination(for: url), settings: .init(
                compression: .zstd(level: 1), rowGroupSize: 400_000, float32: false, lanes: lanes))
            try writer.beginTable(schema)
            for batch in batches { try writer.write(batch) }
            _ = try writer.endTable()
            try writer.finish(provenance: Provenance(source: "test", exportedAt: "now"))
            try staging.commit()
            files.append(try Data(contentsOf: url))
        }
        #expect(files[0].count > 400_000)
        #expect(files[0] == files[1])
    }

    struct LaneFailure: Error, Equatable {
        let column: Int
    }

    @Test("lanes visit every column once, each lane in column order, and a failure is the lowest failing lane's, after all lanes stop")
    func laneOrderAndFailures() throws {
        let scratch = try ScratchDirectory()
        let spool = try PageSpool(directory: scratch.url, displayPath: "test")
        let columns = (0 ..< 10).map { LeafColumn(name: "c\($0)", type: .int64, repetition: .optional, logical: nil) }
        let lanes = ColumnLanes(columns: columns, compression: .none, spool: spool, laneCount: 3)
        let visits = Visits()
        try lanes.forEach { index, chunk in
            #expect(chunk.column.name == "c\(index)")
            visits.add(index)
        }
        #expect(visits.all.sorted() == Array(0 ..< 10))
        for lane in 0 ..< 3 {
            let seen = visits.all.filter { $0 % 3 == lane }
            #expect(seen == seen.sorted(), "lane \(lane) out of order: \(seen)")
        }

        let after = Visits()
        #expect(throws: LaneFailure(column: 1)) {
            try lanes.forEach { index, _ in
                after.add(index)
                // Columns 1 and 2 are the first of lanes 1 and 2; lane 0 never fails.
                if index == 1 || index == 2 { throw LaneFailure(column: index) }
            }
        }
        // Lane 0 ran to its end; lanes 1 and 2 stopped at their first column.
        #expect(after.all.sorted() == [0, 1, 2, 3, 6, 9])
    }

    /// Indices seen from several threads.
    final class Visits: @unchecked Sendable {
        private var seen: [Int] = []
        private let lock = NSLock()
        func add(_ index: Int) { lock.withLock { seen.append(index) } }
        var all: [Int] { lock.withLock { seen } }
    }
}
