// libFuzzer target: arbitrary bytes through the JSON reader and the objects mapper, as an API
// answer would go. Any thrown error is fine; a trap, a sanitizer report or a hang is a bug.
//
// Built with FINK_EXPORT_FUZZ=1 (see scripts/fuzz), it runs under libFuzzer. In a normal build
// it is a replay tool: `fuzz-json-reader FILE...` runs saved inputs once each, which is how the
// regression inputs under Fuzz/regressions run in the tests.
import FinkExport
import FuzzSupport
import Foundation

// Small batches, so batch boundaries (and the column fixing at the first) are crossed often.
private let mapper = try! SchemaMapper(options: MappingOptions(batchRows: 7))
private let lenientMapper = try! SchemaMapper(options: MappingOptions(lenient: true, batchRows: 7))

func fuzzJSONReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    // The first byte picks the mapping (strict or lenient) so both paths are explored.
    let chosen = size > 0 && data[0] & 1 == 1 ? lenientMapper : mapper
    // As an export reads an answer (JSON), and as convert reads a saved file (JSON or CSV).
    readAll(Data(input), mapper: chosen, source: .anomalyAnswer, sniff: false)
    readAll(Data(input), mapper: chosen, source: .file("fuzz input"), sniff: true)
    // The CSV reader a few records at a time, so resuming mid-body is explored too.
    var csv = CSVRecordReader()
    var assembler = BatchAssembler(table: .objects, mapper: chosen)
    do {
        while try csv.read(input, into: &assembler, records: 3) { _ = assembler.takeBatches() }
        try assembler.finish()
    } catch {
        _ = String(describing: error)
    }
    return 0
}

/// Reads `body` batch by batch into a fresh objects assembler; errors are expected, and their
/// messages are built (a crash there would be a bug too). RecordBatch itself checks that every
/// column of every batch has the batch's row count.
private func readAll(_ body: Data, mapper: SchemaMapper, source: AnswerSource, sniff: Bool) {
    do {
        var reader = try AnswerReader(body: body, source: source, into: BatchAssembler(table: .objects, mapper: mapper), sniff: sniff)
        while try reader.next() != nil {}
    } catch {
        _ = String(describing: error)
    }
}

@main
struct JSONReaderFuzz {
    static func main() throws {
        try FuzzReplay.main(target: fuzzJSONReader)
    }
}
