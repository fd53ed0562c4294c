import CSVSink
import FinkExport
import Foundation
import HDF5Sink
import JSONLinesSink
import ParquetSink
import PluginSink
import SQLiteSink
import VOTableSink

extension SinkRegistry {
    /// The built-in formats, then the plugins found in `FINK_EXPORT_PLUGIN_PATH` and beside the
    /// executable. Loaded once; a plugin that cannot be used is one warning line on stderr.
    static func standard() -> SinkRegistry {
        loadedStandard
    }

    private static let loadedStandard: SinkRegistry = {
        // The built-in formats' names and extensions are distinct, so registering them cannot fail.
        var registry = try! SinkRegistry([CSVFormat(), JSONLinesFormat(), SQLiteFormat(), HDF5Format(), VOTableFormat(), ParquetFormat()])
        let directories = PluginCatalog.directories(searchPath: ProcessInfo.processInfo.environment["FINK_EXPORT_PLUGIN_PATH"],
                                                    executableDirectory: PluginCatalog.executableDirectory)
        for failure in PluginCatalog.register(from: directories, into: &registry) {
            FileHandle.standardError.write(Data("fink-export: warning: \(failure)\n".utf8))
        }
        return registry
    }()
}
