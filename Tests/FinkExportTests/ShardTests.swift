@testable import FinkExport
import Foundation
import SinkConformance
import Testing

/// `--shard K/N`: the documented hash, the file names, and the shards' union being the whole
/// export, row for row.
@Suite("Sharded exports")
struct ShardTests {
    @Test("the shard of an object id is FNV-1a 64 of its UTF-8 bytes modulo N (published test vectors)")
    func hashIsFNV1a() {
        // FNV-1a 64-bit vectors from the algorithm's reference test suite.
        let vectors: [(String, UInt64)] = [("", 0xcbf2_9ce4_8422_2325), ("a", 0xaf63_dc4c_8601_ec8c), ("foobar", 0x8594_4171_f739_67e8)]
        for (text, hash) in vectors {
            for count in [1, 2, 3, 7, 1000] {
                #expect(Shard.index(of: text, among: count) == Int(hash % UInt64(count)), "\(text) among \(count)")
            }
        }
        #expect(Shard.index(of: nil, among: 5) == 0, "a row without an object id goes to shard 0")
        let foobar: UInt64 = 0x8594_4171_f739_67e8
        #expect(Shard(index: 2, count: 3)?.contains(objectId: "foobar") == (foobar % 3 == 2))
        #expect(Shard(index: 3, count: 3) == nil && Shard(index: -1, count: 3) == nil && Shard(index: 0, count: 0) == nil)
    }

    @Test("each shard's files carry K-of-N before the extension, K padded so that names sort in shard order")
    func fileNames() throws {
        let scratch = try ScratchDirectory()
        let registry = try SinkRegistry(EveryFormat.sinks.map(\.format))
        let shard = try #require(Shard(index: 7, count: 12))
        #expect(shard.fileLabel == "shard-07-of-12")
        let directory = try OutputLayout(path: scratch.url.path + "/", formatName: "csv", optionAssignments: ["compression=gzip"],
                                         tables: [.anomalies, .objects], registry: registry, shard: shard)
        #expect(directory.files[.objects]?.lastPathComponent == "objects.shard-07-of-12.csv.gz")
        let file = try OutputLayout(path: scratch.path("Fink.SQLite").path, formatName: nil, optionAssignments: [],
                                    tables: [.anomalies, .objects], registry: registry, shard: shard)
        #expect(file.files[.anomalies]?.lastPathComponent == "Fink.shard-07-of-12.SQLite")
        let whole = try OutputLayout(path: scratch.path("fink.sqlite").path, formatName: nil, optionAssignments: [],
                                     tables: [.objects], registry: registry)
        #expect(whole.files[.objects]?.lastPathComponent == "fink.sqlite")
    }

    @Test("three shards of the sample, with upper limits, hold the whole export's rows once each")
    func unionIsTheWholeExport() throws {
        let scratch = try ScratchDirectory()
        let common = ["--sample", "--with-upper-limits", "--format", "csv", "--quiet"]
        #expect(try CLI.run(common + ["-o", scratch.path("whole").path + "/"]).status == 0)
        for index in 0 ..< 3 {
            let result = try CLI.run(common + ["-o", scratch.path("shards").path + "/", "--shard", "\(index)/3"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        for table in ["anomalies", "objects"] {
            let whole = CSVTestReader.parse(try String(contentsOf: scratch.path("whole/\(table).csv"), encoding: .utf8))
            var union: [[String?]] = []
            var objectsPerShard: [Set<String>] = []
            for index in 0 ..< 3 {
                let rows = CSVTestReader.parse(try String(contentsOf: scratch.path("shards/\(table).shard-\(index)-of-3.csv"), encoding: .utf8))
                #expect(rows.first == whole.first, "the same columns in every shard")
                let id = try #require(rows.first?.firstIndex(of: "i:objectId"))
                let body = rows.dropFirst()
                #expect(body.allSatisfy { Shard.index(of: $0[id], among: 3) == index }, "\(table) shard \(index) holds only its objects")
                objectsPerShard.append(Set(body.compactMap { $0[id] }))
                union += body
            }
            #expect(objectsPerShard[0].isDisjoint(with: objectsPerShard[1]) && objectsPerShard[1].isDisjoint(with: objectsPerShard[2]))
            #expect(objectsPerShard.allSatisfy { !$0.isEmpty }, "the sample's objects spread over all three shards")
            let key = { (row: [String?]) in row.map { $0 ?? "\u{0}null" }.joined(separator: "\u{1}") }
            #expect(union.count == whole.count - 1)
            #expect(union.map(key).sorted() == whole.dropFirst().map(key).sorted(), "\(table): the same rows")
        }
        let meta = try String(contentsOf: scratch.path("shards/objects.shard-1-of-3.csv.meta.json"), encoding: .utf8)
        #expect(meta.contains("\"shard\" : {") && meta.contains("\"count\" : 3") && meta.contains("\"index\" : 1"))
        // A shard holds fewer anomalies than asked for by design: only the API sending fewer is worth a warning.
        #expect(!meta.contains("fewer than the"), "no shortfall warning when the API sent all that was asked")
        let short = try CLI.run(["--sample", "--n", "500", "--format", "csv", "-o", scratch.path("short").path + "/", "--shard", "1/3"])
        #expect(short.status == 0 && short.stderr.contains("500"), "the API's shortfall is reported by a shard too: \(short.stderr)")
    }

    @Test("a record of another shard leaves no trace: no row, no null, no lenient count, no inferred value, no error")
    func droppedRecordsLeaveNoTrace() throws {
        let mapper = try SchemaMapper(options: MappingOptions(lenient: true, columns: ["i:objectId", "i:fid", "i:magpsf", "x:unknown"],
                                                              batchRows: 2))
        var assembler = BatchAssembler(table: .objects, mapper: mapper)
        assembler.keepsObject = { $0 == "KEEP" }
        // Dropped rows carry the only nulls, the only lenient failure, the only text in an unknown
        // column, and a bad value; kept rows span two batches.
        let body = #"""
            [{"i:objectId":"DROP","i:fid":"abc","i:magpsf":null,"x:unknown":"text"},
             {"i:objectId":"KEEP","i:fid":1,"i:magpsf":18.5,"x:unknown":3},
             {"i:objectId":"DROP","i:fid":2},
             {"i:objectId":"KEEP","i:fid":2,"i:magpsf":19.25,"x:unknown":4},
             {"i:objectId":"KEEP","i:fid":3,"i:magpsf":20.0,"x:unknown":5}]
            """#
        try Array(body.utf8).withUnsafeBufferPointer { try JSONRecordReader.read($0, into: &assembler) }
        let schema = try assembler.finish()
        let batches = assembler.takeBatches()
        #expect(batches.map(\.rowCount) == [2, 1])
        #expect(assembler.stats.rows == 3 && assembler.stats.lenientNulls.isEmpty)
        #expect(assembler.stats.rowsPerObject == [AnswerStats.ObjectRows(objectId: "KEEP", rows: 3)])
        #expect(schema.fields.first { $0.name == "x:unknown" }?.type == .long, "typed from the kept values only")
        for batch in batches {
            #expect(batch.columns.allSatisfy { $0.validity == nil }, "no null left behind by a dropped record")
        }
        #expect(batches[0].columns[1].values == .integer([1, 2]) && batches[1].columns[1].values == .integer([3]))
        #expect(batches[0].columns[2].values == .real([18.5, 19.25]))
    }
}
