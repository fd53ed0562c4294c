import CSVSink
import FinkExport
import HDF5Sink
import JSONLinesSink
import ParquetSink
import PluginSink
import SQLiteSink
import VOTableSink

extension SinkRegistry {
    /// The formats of this build: the built-in sinks, then the plugins found in each directory
    /// of `pluginSearchPath` (colon-separated) and beside the running executable; with the
    /// plugin files that could not be used, for the caller to report.
    public static func standard(pluginSearchPath: String?) -> (registry: SinkRegistry, pluginFailures: [PluginLoadFailure]) {
        // The built-in formats' names and extensions are distinct, so registering them cannot fail.
        var registry = try! SinkRegistry([CSVFormat(), JSONLinesFormat(), SQLiteFormat(), HDF5Format(), VOTableFormat(), ParquetFormat()])
        let directories = PluginCatalog.directories(searchPath: pluginSearchPath, executableDirectory: PluginCatalog.executableDirectory)
        let failures = PluginCatalog.register(from: directories, into: &registry)
        return (registry, failures)
    }
}
