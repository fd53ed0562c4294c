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
    // RecordBatch itself checks that every column has the batch's row count.
    var assembler = BatchAssembler(table: .objects, mapper: chosen) { _ in }
    do {
        try JSONRecordReader.read(input, into: &assembler)
        try assembler.finish()
    } catch {
        _ = String(describing: error)
    }
    var csvAssembler = BatchAssembler(table: .objects, mapper: chosen) { _ in }
    do {
        try CSVRecordReader.read(input, into: &csvAssembler)
        try csvAssembler.finish()
    } catch {
        _ = String(describing: error)
    }
    return 0
}

@main
struct JSONReaderFuzz {
    static func main() throws {
        try FuzzReplay.main(target: fuzzJSONReader)
    }
}
