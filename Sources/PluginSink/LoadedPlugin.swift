import CFinkExportSink
import FinkExport
import Glibc

/// A plugin library opened with `dlopen` and initialised: its description, as the plugin
/// filled it. The library is never unloaded (a plugin may hold Swift code, which cannot be),
/// so the strings and callbacks the description points to stay valid for the process.
final class LoadedPlugin: @unchecked Sendable {
    /// The library's file.
    let path: String
    /// The description the plugin filled, members past ``descriptionSize`` zero.
    let description: FinkExportSinkDescription
    /// `struct_size` as the plugin set it: members beyond it are absent.
    let descriptionSize: Int

    private init(path: String, description: FinkExportSinkDescription, descriptionSize: Int) {
        self.path = path
        self.description = description
        self.descriptionSize = descriptionSize
    }

    /// Whether the plugin's struct reaches the member at `offset` of `size` bytes.
    func has(offset: Int?, size: Int) -> Bool {
        guard let offset else { return false }
        return offset + size <= descriptionSize
    }

    private typealias EntryPoint = @convention(c) (UInt32, UnsafeMutablePointer<FinkExportSinkDescription>?,
                                                   UnsafeMutablePointer<FinkExportSinkError>?) -> Int32

    /// The size of the description in ABI 1.0: a plugin must fill at least that much.
    static let minimumDescriptionSize = MemoryLayout<FinkExportSinkDescription>.offset(of: \.destroy)!
        + MemoryLayout<UnsafeRawPointer>.size

    /// Opens and initialises the library at `path`.
    static func load(path: String) throws(PluginLoadFailure) -> LoadedPlugin {
        _ = dlerror()
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let detail = dlerror().map { String(cString: $0) } ?? "dlopen failed"
            throw PluginLoadFailure(path: path, reason: "not a loadable shared library (\(detail))")
        }
        guard let symbol = dlsym(handle, "fink_export_sink_init") else {
            throw PluginLoadFailure(path: path, reason: "it exports no fink_export_sink_init")
        }
        let initialise = unsafeBitCast(symbol, to: EntryPoint.self)

        // Zeroed, and larger than this host's struct: a plugin that ignores the rules and
        // writes a newer, longer description still writes into memory it may use.
        let room = max(4096, MemoryLayout<FinkExportSinkDescription>.size)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: room, alignment: 16)
        defer { raw.deallocate() }
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: room)
        let description = raw.bindMemory(to: FinkExportSinkDescription.self, capacity: 1)
        let message = PluginMessageBuffer()
        let status = message.withError { initialise(SinkABIVersion.host.encoded, description, $0) }

        let pluginVersion = SinkABIVersion(encoded: description.pointee.abi_version)
        if status == FINK_EXPORT_SINK_ERROR_ABI_VERSION || pluginVersion > SinkABIVersion.host {
            throw PluginLoadFailure(
                path: path, reason: "built for sink ABI \(pluginVersion), newer than this fink-export's \(SinkABIVersion.host); "
                    + "update fink-export or rebuild the plugin with this fink-export's fink_export_sink.h")
        }
        guard status == FINK_EXPORT_SINK_OK else {
            let detail = message.text.isEmpty ? "status \(status)" : message.text
            throw PluginLoadFailure(path: path, reason: "fink_export_sink_init failed: \(detail)")
        }
        guard SinkABIVersion.accepts(pluginVersion) else {
            throw PluginLoadFailure(path: path, reason: "built for sink ABI \(pluginVersion), which this fink-export does not know "
                                    + "(it loads \(SinkABIVersion.oldestSupported) to \(SinkABIVersion.host))")
        }
        let size = description.pointee.struct_size
        guard size >= minimumDescriptionSize else {
            throw PluginLoadFailure(path: path, reason: "its description is \(size) bytes, less than the \(minimumDescriptionSize) of ABI 1.0")
        }
        // Members this host knows but the plugin's older struct lacks stay absent (zero).
        let known = min(Int(size), MemoryLayout<FinkExportSinkDescription>.size)
        var copy = FinkExportSinkDescription()
        withUnsafeMutableBytes(of: &copy) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: known))
        }
        return LoadedPlugin(path: path, description: copy, descriptionSize: known)
    }
}
