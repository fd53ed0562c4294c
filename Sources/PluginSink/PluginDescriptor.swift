import CFinkExportSink
import FinkExport

/// Reads a plugin's C description into the ``SinkDescriptor`` every format has, refusing one
/// that `fink-export formats` could not list or the registry could not use.
enum PluginDescriptor {
    static func read(_ plugin: LoadedPlugin) throws(PluginLoadFailure) -> SinkDescriptor {
        let c = plugin.description
        func fail(_ reason: String) -> PluginLoadFailure { PluginLoadFailure(path: plugin.path, reason: reason) }
        guard c.open != nil, c.begin_table != nil, c.write_batch != nil, c.end_table != nil, c.finish != nil, c.destroy != nil else {
            throw fail("its description lacks a callback (open, begin_table, write_batch, end_table, finish and destroy are required)")
        }
        guard let name = string(c.name), !name.isEmpty,
              name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw fail("its format name \(string(c.name).map { "\"\($0)\"" } ?? "(none)") is not lower-case letters, digits, - or _")
        }
        let extensions = strings(c.extensions)
        guard !extensions.isEmpty, extensions.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") && !$0.contains("/") }) else {
            throw fail("the \(name) format declares no extensions, or one that is empty, starts with a dot or holds a /")
        }
        guard c.tables_per_file == 0 || c.tables_per_file == 1 else {
            throw fail("tables_per_file is \(c.tables_per_file); it must be 1 (one table per file) or 0 (many)")
        }
        guard c.option_count >= 0, c.option_count <= 1000, c.option_count == 0 || c.options != nil else {
            throw fail("option_count is \(c.option_count) with \(c.options == nil ? "no" : "an") options array")
        }
        var options: [SinkOptionSpec] = []
        for index in 0 ..< Int(c.option_count) {
            options.append(try option(c.options[index], format: name, fail: fail))
        }
        // Longest first, as the registry matches a path's extension by the longest suffix.
        let ordered = extensions.sorted { $0.count > $1.count }
        return SinkDescriptor(
            name: name, title: string(c.title) ?? name, extensions: ordered,
            capabilities: SinkCapabilities(tablesPerFile: c.tables_per_file == 1 ? .one : .many,
                                           supportsAppend: false, compression: strings(c.compression)),
            options: options)
    }

    private static func option(_ c: FinkExportSinkOption, format: String,
                               fail: (String) -> PluginLoadFailure) throws(PluginLoadFailure) -> SinkOptionSpec {
        guard let name = string(c.name), !name.isEmpty, !name.contains("=") else {
            throw fail("an option of \(format) has no name, or one with =")
        }
        let kind: SinkOptionSpec.Kind
        switch c.kind {
        case FINK_EXPORT_SINK_OPTION_BOOL:
            kind = .bool
        case FINK_EXPORT_SINK_OPTION_INTEGER:
            guard c.minimum <= c.maximum, let low = Int(exactly: c.minimum), let high = Int(exactly: c.maximum) else {
                throw fail("option \(name): minimum \(c.minimum) is above maximum \(c.maximum)")
            }
            kind = .integer(low ... high)
        case FINK_EXPORT_SINK_OPTION_CHOICE:
            let words = strings(c.choices)
            guard !words.isEmpty else { throw fail("option \(name) is a choice with no choices") }
            kind = .choice(words)
        default:
            throw fail("option \(name) has unknown kind \(c.kind)")
        }
        let defaultValue = string(c.default_value) ?? ""
        let spec = SinkOptionSpec(name: name, kind: kind, defaultValue: defaultValue, help: string(c.help) ?? "")
        // The default must be a value the option takes: the registry fills it in unchecked.
        do {
            _ = try SinkOptions(["\(name)=\(defaultValue)"], specs: [spec], format: format)
        } catch {
            throw fail("option \(name): its default \"\(defaultValue)\" is not a \(kind.summary) value")
        }
        return spec
    }

    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// A NULL-terminated array of C strings (NULL itself is empty), at most 256 long.
    static func strings(_ list: UnsafePointer<UnsafePointer<CChar>?>?) -> [String] {
        guard let list else { return [] }
        var result: [String] = []
        var index = 0
        while index < 256, let item = list[index] {
            result.append(String(cString: item))
            index += 1
        }
        return result
    }
}
