import Foundation

/// Where each table goes: the chosen format and one file per table (or one for all).
public struct OutputLayout: Sendable {
    /// The format.
    public let format: any SinkFormat
    /// The format's checked options.
    public let options: SinkOptions
    /// The output file of each table; tables sharing a file share a writer.
    public let files: [ExportTable: URL]

    /// Resolves an output path, an optional format name and option assignments for `tables`.
    ///
    /// `path` names a directory when it ends in `/`, is an existing directory, or has no
    /// extension the format claims; two tables of a one-table format need a directory.
    ///
    /// With a `shard`, each file name carries it before the extension (`objects.shard-2-of-8.parquet`,
    /// `fink.shard-2-of-8.sqlite`), so the shards of one export can share a directory and be read
    /// back with one glob.
    ///
    /// - Throws: a ``SinkError`` of the usage kind when the format cannot be told or the layout
    ///   cannot hold the tables.
    public init(path: String, formatName: String?, optionAssignments: [String], tables: [ExportTable],
                registry: SinkRegistry, shard: Shard? = nil) throws {
        let byExtension = registry.format(forPath: path)
        let format: any SinkFormat
        if let formatName {
            guard let named = registry.format(named: formatName) else {
                throw SinkError.unknownFormat(formatName, known: registry.names)
            }
            format = named
        } else if let byExtension {
            format = byExtension.format
        } else {
            throw SinkError.formatNotInferable(path: path, known: registry.names)
        }
        let descriptor = format.descriptor
        let options = try SinkOptions(optionAssignments, specs: descriptor.options, format: descriptor.name)
        try format.validate(options: options)

        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let claimedExtension = byExtension.map { $0.format.descriptor.name == descriptor.name } ?? false
        let explicitDirectory = path.hasSuffix("/") || (exists && isDirectory.boolValue)
        let directoryMode = explicitDirectory || !claimedExtension
        if !explicitDirectory, let other = byExtension, other.format.descriptor.name != descriptor.name {
            throw SinkError.extensionMismatch(path: path, extensionFormat: other.format.descriptor.name, format: descriptor.name)
        }

        /// `base.ext`, or `base.shard-K-of-N.ext`.
        func name(_ base: String, _ ext: String) -> String {
            shard.map { "\(base).\($0.fileLabel).\(ext)" } ?? "\(base).\(ext)"
        }
        var files: [ExportTable: URL] = [:]
        if directoryMode {
            let directory = URL(fileURLWithPath: path, isDirectory: true)
            let ext = format.fileExtension(options: options)
            if descriptor.capabilities.tablesPerFile == .many {
                files = Dictionary(uniqueKeysWithValues: tables.map { ($0, directory.appendingPathComponent(name("export", ext))) })
            } else {
                files = Dictionary(uniqueKeysWithValues: tables.map { ($0, directory.appendingPathComponent(name($0.rawValue, ext))) })
            }
        } else {
            if tables.count > 1 && descriptor.capabilities.tablesPerFile == .one {
                throw SinkError.oneTablePerFile(format: descriptor.name, tables: tables.map(\.rawValue))
            }
            var file = URL(fileURLWithPath: path)
            if let byExtension {
                // The claimed extension as the user wrote it (its case kept), the shard before it.
                let last = file.lastPathComponent
                let cut = last.index(last.endIndex, offsetBy: -(byExtension.extension.count + 1))
                file = file.deletingLastPathComponent().appendingPathComponent(name(String(last[..<cut]), String(last[last.index(after: cut)...])))
            }
            files = Dictionary(uniqueKeysWithValues: tables.map { ($0, file) })
        }
        self.format = format
        self.options = options
        self.files = files
        self.directory = directoryMode ? URL(fileURLWithPath: path, isDirectory: true) : nil
    }

    /// The directory holding the files, when the path named one.
    public let directory: URL?

    /// Creates the output directory if it is missing.
    public func prepareDirectory() throws {
        guard let directory else { return }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SinkError.cannotCreateDirectory(path: directory.path, reason: (error as NSError).localizedDescription)
        }
    }
}
