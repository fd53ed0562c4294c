import ArgumentParser
import FinkExport
import Foundation

/// `fink-export convert`: saved API responses into any format, through the same mapper.
struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert saved API responses (JSON arrays or the API's CSV) into any format.",
        discussion: """
        Example:
          fink-export convert --anomalies saved_anomaly.json --objects saved_objects.json --format csv --output out/
        """)

    @Option(help: ArgumentHelp("A saved /api/v1/anomaly response (JSON or CSV).", valueName: "file"))
    var anomalies: String?

    @Option(help: ArgumentHelp("A saved /api/v1/objects response (JSON or CSV).", valueName: "file"))
    var objects: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard anomalies != nil || objects != nil else {
            throw ValidationError("give --anomalies, --objects or both")
        }
        for path in [anomalies, objects].compactMap({ $0 }) where !FileManager.default.isReadableFile(atPath: path) {
            throw ValidationError("cannot read \(path)")
        }
    }

    func run() async throws {
        var files: [ExportTable: URL] = [:]
        if let anomalies { files[.anomalies] = URL(fileURLWithPath: anomalies) }
        if let objects { files[.objects] = URL(fileURLWithPath: objects) }
        try await runPipeline(quiet: output.quiet) {
            try output.pipeline(source: .files(files), tables: files.keys.sorted(), columns: nil)
        }
    }
}
