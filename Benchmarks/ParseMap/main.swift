// Parse + map throughput on one core: reads saved objects answers (JSON) into typed batches
// through the exporter's own AnswerReader (reader + assembler, as an export reads an answer),
// discarding the batches, and prints MB/s.
//
//   parse-map-bench FILE... [--repeat N]
import FinkExport
import Foundation

var paths: [String] = []
var repeats = 3
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--repeat", let value = arguments.popFirst().flatMap(Int.init), value > 0 {
        repeats = value
    } else {
        paths.append(argument)
    }
}
guard !paths.isEmpty else {
    FileHandle.standardError.write(Data("usage: parse-map-bench FILE... [--repeat N]\n".utf8))
    exit(64)
}

do {
    let bodies = try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    let totalBytes = bodies.reduce(0) { $0 + $1.count }
    let mapper = try SchemaMapper()
    var best = Double.infinity
    var rows = 0
    for _ in 0 ..< repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        rows = 0
        for body in bodies {
            var reader = try AnswerReader(body: body, source: .objectsAnswer(index: 0, count: 1),
                                          into: BatchAssembler(table: .objects, mapper: mapper))
            while try reader.next() != nil {}
            rows += reader.stats.rows
        }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    let megabytes = Double(totalBytes) / 1e6
    print(String(format: "{\"bytes\": %d, \"rows\": %d, \"seconds\": %.4f, \"mb_per_s\": %.1f}",
                 totalBytes, rows, best, megabytes / best))
} catch {
    FileHandle.standardError.write(Data("parse-map-bench: \(error)\n".utf8))
    exit(65)
}
