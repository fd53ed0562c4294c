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
    /// - Throws: a ``SinkError`` of the usage kind when the format cannot be told or the layout
    ///   cannot hold the tables.
    public init(path: String, formatName: String?, optionAssignments: [String], tables: [ExportTable],
                registry: SinkRegistry) throws {
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

        var files: [ExportTable: URL] = [:]
        if directoryMode {
            let directory = URL(fileURLWithPath: path, isDirectory: true)
            let ext = format.fileExtension(options: options)
            if descriptor.capabilities.tablesPerFile == .many {
                files = Dictionary(uniqueKeysWithValues: tables.map { ($0, directory.appendingPathComponent("export.\(ext)")) })
            } else {
                files = Dictionary(uniqueKeysWithValues: tables.map { ($0, directory.appendingPathComponent("\($0.rawValue).\(ext)")) })
            }
        } else {
            if tables.count > 1 && descriptor.capabilities.tablesPerFile == .one {
                throw SinkError.oneTablePerFile(format: descriptor.name, tables: tables.map(\.rawValue))
            }
            let file = URL(fileURLWithPath: path)
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
