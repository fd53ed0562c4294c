import ArgumentParser
import FinkExport
import Foundation

/// The `fink-export` command: export by default, plus convert, formats and columns.
@main
struct FinkExportCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fink-export",
        abstract: "Export the Fink broker's anomaly data into CSV, JSON Lines, SQLite, HDF5, VOTable and Parquet datasets.",
        discussion: """
        Without a subcommand, fink-export runs export, e.g. fink-export --n 100 --format parquet --output out/. \
        Its options (--n, --start-date, --stop-date, --columns, --tables, --format, --output, --with-upper-limits, --shard, --resume, --sample and more) are listed by 'fink-export help export'. \
        Sinks loaded as plugins (FITS) are listed by 'fink-export formats'.

        Exit codes: 0 success (columns --check: 1 when the catalogue and the API's schema differ), 64 usage, 65 data, 69 network/API, 70 internal, 73 output, 130 interrupted.
        """,
        version: FinkExportVersion.current,
        subcommands: [ExportCommand.self, ConvertCommand.self, FormatsCommand.self, ColumnsCommand.self],
        defaultSubcommand: ExportCommand.self)

    static func main() async {
        // A file-size limit must end in a write error, not in SIGXFSZ killing the process.
        signal(SIGXFSZ, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        HeapTuning.returnLargeBuffersToTheSystem()
        // Until an export installs its own handler (which cleans up what it staged), Ctrl-C
        // ends the process with the same message and code; nothing has been written yet.
        signal(SIGINT) { _ in
            let message: StaticString = "fink-export: error: interrupted; no output was written\n"
            _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
            _exit(130)
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
