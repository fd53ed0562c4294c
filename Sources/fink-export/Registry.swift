import FinkExport
import Foundation
import StandardSinks

extension SinkRegistry {
    /// The built-in formats, then the plugins found in `FINK_EXPORT_PLUGIN_PATH` and beside the
    /// executable. Loaded once; a plugin that cannot be used is one warning line on stderr.
    static func standard() -> SinkRegistry {
        loadedStandard
    }

    private static let loadedStandard: SinkRegistry = {
        let (registry, failures) = standard(pluginSearchPath: ProcessInfo.processInfo.environment["FINK_EXPORT_PLUGIN_PATH"])
        for failure in failures {
            FileHandle.standardError.write(Data("fink-export: warning: \(failure)\n".utf8))
        }
        return registry
    }()
}
