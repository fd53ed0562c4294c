import CFinkExportSink
import FinkExport
import Foundation

/// A format written by a plugin: a ``SinkFormat`` like the built-in ones, whose writers call
/// the plugin's C callbacks.
public struct PluginFormat: SinkFormat {
    public let descriptor: SinkDescriptor
    let plugin: LoadedPlugin

    /// The shared library the format comes from.
    public var libraryPath: String { plugin.path }

    /// Opens, initialises and describes the plugin at `path`.
    public init(path: String) throws(PluginLoadFailure) {
        let plugin = try LoadedPlugin.load(path: path)
        self.plugin = plugin
        descriptor = try PluginDescriptor.read(plugin)
    }

    /// Every declared option with its value, in declaration order.
    func pairs(_ options: SinkOptions) -> [(key: String, value: String)] {
        descriptor.options.map { ($0.name, options[$0.name] ?? $0.defaultValue) }
    }

    public func validate(options: SinkOptions) throws {
        guard plugin.has(offset: MemoryLayout<FinkExportSinkDescription>.offset(of: \.validate_options), size: MemoryLayout<UnsafeRawPointer>.size),
              let validate = plugin.description.validate_options else { return }
        let message = PluginMessageBuffer()
        let status = CKeyValues.with(pairs(options)) { list, count in
            message.withError { validate(list, count, $0) }
        }
        guard status == FINK_EXPORT_SINK_OK else {
            throw SinkError.optionCombination(format: descriptor.name, detail: message.text.isEmpty ? "refused (status \(status))" : message.text)
        }
    }

    public func fileExtension(options: SinkOptions) -> String {
        let first = descriptor.extensions.first ?? descriptor.name
        guard plugin.has(offset: MemoryLayout<FinkExportSinkDescription>.offset(of: \.file_extension), size: MemoryLayout<UnsafeRawPointer>.size),
              let fileExtension = plugin.description.file_extension else { return first }
        let chosen = CKeyValues.with(pairs(options)) { list, count in fileExtension(list, count).map { String(cString: $0) } }
        return chosen.flatMap { descriptor.extensions.contains($0) ? $0 : nil } ?? first
    }

    public func makeWriter(destination: SinkDestination, options: SinkOptions) throws -> any TableWriter {
        let scratch = try destination.makeScratchDirectory()
        let writer = PluginTableWriter(plugin: plugin, format: descriptor.name, finalPath: destination.finalURL.path)
        do {
            try writer.open(staging: destination.stagingURL.path, scratch: scratch.path, options: pairs(options))
        } catch {
            writer.close()
            throw error
        }
        return writer
    }
}
