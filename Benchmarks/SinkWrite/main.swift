// One sink's write step alone: reads saved objects answers (JSON) into typed batches first,
// untimed, then times writing those batches through the sink into a staged file (best of
// N), and prints JSON. Set beside the Python writer on the same rows by Benchmarks/run.py.
//
//   sink-write-bench FILE... --format parquet [--option name=value]... [--repeat N]
import FinkExport
import Foundation
import StandardSinks

var paths: [String] = []
var formatName = "parquet"
var options: [String] = []
var repeats = 3
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--format": formatName = arguments.popFirst() ?? formatName
    case "--option": options += arguments.popFirst().map { [$0] } ?? []
    case "--repeat": repeats = max(1, arguments.popFirst().flatMap(Int.init) ?? repeats)
    default: paths.append(argument)
    }
}
guard !paths.isEmpty else {
    FileHandle.standardError.write(Data("usage: sink-write-bench FILE... --format NAME [--option name=value]... [--repeat N]\n".utf8))
    exit(64)
}

do {
    // The formats fink-export has, plugins beside this executable included (the FITS sink).
    let (registry, failures) = SinkRegistry.standard(pluginSearchPath: nil)
    for failure in failures {
        FileHandle.standardError.write(Data("sink-write-bench: warning: \(failure)\n".utf8))
    }
    guard let format = registry.format(named: formatName) else { throw SinkError.unknownFormat(formatName, known: registry.names) }
    let checked = try SinkOptions(options, specs: format.descriptor.options, format: formatName)
    try format.validate(options: checked)
    let mapper = try SchemaMapper()
    var batches: [RecordBatch] = []
    for path in paths {
        var reader = try AnswerReader(body: try Data(contentsOf: URL(fileURLWithPath: path)),
                                      source: .objectsAnswer(index: 0, count: 1),
                                      into: BatchAssembler(table: .objects, mapper: mapper))
        batches += try reader.readAll()
    }
    // Batches of every answer must share one schema to go into one table.
    guard let schema = batches.first?.schema, batches.allSatisfy({ $0.schema == schema }) else {
        throw SinkError.callOrder("the saved answers do not share one schema")
    }
    let rows = batches.reduce(0) { $0 + $1.rowCount }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sink-write-bench-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var best = Double.infinity
    var bytes = 0
    for round in 0 ..< repeats {
        let target = directory.appendingPathComponent("objects-\(round).\(format.fileExtension(options: checked))")
        let staging = OutputStaging(overwrite: true)
        let start = DispatchTime.now().uptimeNanoseconds
        let writer = try format.makeWriter(destination: try staging.destination(for: target), options: checked)
        try writer.beginTable(schema)
        for batch in batches { try writer.write(batch) }
        _ = try writer.endTable()
        var provenance = Provenance(source: "sink-write-bench", exportedAt: Provenance.timestamp(Date()))
        provenance.tables = [Provenance.TableRecord(name: schema.name, rows: rows, columns: Provenance.columns(of: schema))]
        try writer.finish(provenance: provenance)
        writer.close()
        try staging.commit()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        bytes = (try FileManager.default.attributesOfItem(atPath: target.path)[.size] as? Int) ?? 0
        try FileManager.default.removeItem(at: target)
    }
    print(String(format: "{\"rows\": %d, \"columns\": %d, \"seconds\": %.4f, \"file_bytes\": %d}", rows, schema.fields.count, best, bytes))
} catch {
    FileHandle.standardError.write(Data("sink-write-bench: \(error)\n".utf8))
    exit(65)
}
