import ArgumentParser
import FinkExport
import PluginSink

/// `fink-export formats`: the sink registry, the way `ogr2ogr --formats` lists drivers.
struct FormatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formats", abstract: "List the output formats, their extensions, capabilities and options.")

    func run() {
        for format in SinkRegistry.standard().formats {
            let d = format.descriptor
            print("\(d.name)  \(d.title)")
            if let plugin = format as? PluginFormat {
                print("  plugin:      \(plugin.libraryPath)")
            }
            print("  extensions:  \(d.extensions.map { "." + $0 }.joined(separator: " "))")
            let tables = d.capabilities.tablesPerFile == .one ? "one table per file (two tables go to a directory)" : "several tables per file"
            print("  tables:      \(tables)")
            print("  append:      \(d.capabilities.supportsAppend ? "yes" : "no")")
            print("  compression: \(d.capabilities.compression.isEmpty ? "none" : d.capabilities.compression.joined(separator: ", "))")
            if d.options.isEmpty {
                print("  options:     none")
            } else {
                print("  options (--option name=value):")
                let width = d.options.map(\.name.count).max() ?? 0
                for option in d.options {
                    let padded = option.name.padding(toLength: width, withPad: " ", startingAt: 0)
                    print("    \(padded)  \(option.kind.summary), default \(option.defaultValue): \(option.help)")
                }
            }
            print("")
        }
    }
}
