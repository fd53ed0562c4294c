import FinkExport
import Foundation

/// Where plugins are found and how they join the registry: every file named
/// `libfink-export-sink-*.so` in each directory of the search path, then in the directory of
/// the executable (where `swift build` puts the bundled plugins) and in
/// `../lib/fink-export/plugins` from it (where `scripts/install` puts them).
public enum PluginCatalog {
    /// The file names a plugin has: this prefix, anything, then ``fileSuffix``.
    public static let filePrefix = "libfink-export-sink-"
    /// See ``filePrefix``.
    public static let fileSuffix = ".so"

    /// Where `scripts/install` puts plugins, relative to the executable's directory.
    public static let installedDirectory = "../lib/fink-export/plugins"

    /// The directories to search, in order: those of `searchPath` (colon-separated, empty
    /// entries skipped), then `executableDirectory` and ``installedDirectory`` from it.
    public static func directories(searchPath: String?, executableDirectory: URL?) -> [URL] {
        let listed = (searchPath ?? "").split(separator: ":").map { URL(fileURLWithPath: String($0), isDirectory: true) }
        guard let executableDirectory else { return listed }
        return listed + [executableDirectory, executableDirectory.appendingPathComponent(installedDirectory).standardized]
    }

    /// The directory holding the running executable.
    public static var executableDirectory: URL? {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        return URL(fileURLWithPath: path).deletingLastPathComponent()
    }

    /// The plugin files in `directories`, each real file once, in directory order then by name.
    /// A directory that does not exist is skipped.
    public static func candidates(in directories: [URL]) -> [String] {
        var seen: Set<String> = []
        var files: [String] = []
        for directory in directories {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted() where name.hasPrefix(filePrefix) && name.hasSuffix(fileSuffix) {
                let path = directory.appendingPathComponent(name).path
                let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                if seen.insert(real).inserted { files.append(path) }
            }
        }
        return files
    }

    /// Loads every plugin in `directories` into `registry`, after the formats it holds. A file
    /// that cannot be loaded, or whose name or extension is taken, is left out and reported.
    public static func register(from directories: [URL], into registry: inout SinkRegistry) -> [PluginLoadFailure] {
        var failures: [PluginLoadFailure] = []
        for path in candidates(in: directories) {
            do throws(PluginLoadFailure) {
                let format = try PluginFormat(path: path)
                do {
                    try registry.register(format)
                } catch {
                    failures.append(PluginLoadFailure(path: path, reason: "\(error)"))
                }
            } catch {
                failures.append(error)
            }
        }
        return failures
    }
}
