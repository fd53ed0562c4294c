import Foundation

/// A file format fink-export can write, as registered in the ``SinkRegistry``.
///
/// A sink knows nothing of HTTP or of Fink's JSON: it receives a schema, typed batches and
/// provenance, and writes them to the paths it is given.
public protocol SinkFormat: Sendable {
    /// Name, extensions, capabilities and options.
    var descriptor: SinkDescriptor { get }

    /// Creates a writer for one output file.
    ///
    /// - Parameters:
    ///   - destination: where to write (a staged temporary path) and where it will end up.
    ///   - options: the sink's checked options.
    func makeWriter(destination: SinkDestination, options: SinkOptions) throws -> any TableWriter

    /// The extension for a file named by fink-export (`objects.<ext>` in a directory).
    func fileExtension(options: SinkOptions) -> String
}

extension SinkFormat {
    /// The first registered extension.
    public func fileExtension(options: SinkOptions) -> String {
        descriptor.extensions.first ?? descriptor.name
    }
}

/// Writes tables into one output, batch by batch.
///
/// Call order: for each table `beginTable`, `write`…, `endTable`; then `finish` once.
/// On any failure the caller discards the staged files; a writer needs no cleanup of its own
/// beyond closing what it opened (`close`).
public protocol TableWriter: AnyObject {
    /// A table starts; `schema` fixes its columns.
    func beginTable(_ schema: TableSchema) throws
    /// Rows of the current table.
    func write(_ batch: RecordBatch) throws
    /// The current table is complete. Returns what the user should know about how it was
    /// written.
    func endTable() throws -> TableWriteReport
    /// Every table is complete; `provenance` holds the final counts.
    func finish(provenance: Provenance) throws
    /// Releases files and handles after a failure. Safe to call more than once.
    func close()
}

/// Where a writer writes: a temporary path beside the final one, renamed only when the whole
/// export succeeded.
public struct SinkDestination: Sendable {
    /// The path the user will see.
    public let finalURL: URL
    /// The path to write now.
    public let stagingURL: URL
    /// Whether rows are added to an existing output (``stagingURL`` is then ``finalURL``).
    public let appending: Bool
    private let staging: OutputStaging

    init(finalURL: URL, stagingURL: URL, staging: OutputStaging, appending: Bool) {
        self.finalURL = finalURL
        self.stagingURL = stagingURL
        self.staging = staging
        self.appending = appending
    }

    /// Stages another file that belongs with the output (such as a `.meta.json` sidecar):
    /// `finalURL` with `suffix` appended. Returns the path to write now.
    public func stageCompanion(suffix: String) throws -> URL {
        try staging.stage(URL(fileURLWithPath: finalURL.path + suffix))
    }
}

/// What a writer has to say about a table it wrote.
public struct TableWriteReport: Sendable, Equatable {
    /// By column, how many values the format could not hold and wrote as null (such as
    /// infinities in JSON).
    public var unrepresentableAsNull: [String: Int]
    /// Rows not written because the output already held them (appending).
    public var rowsAlreadyPresent: Int
    /// Anything else the user should know, one line each.
    public var warnings: [String]

    /// Creates a report; the default says nothing happened.
    public init(unrepresentableAsNull: [String: Int] = [:], rowsAlreadyPresent: Int = 0, warnings: [String] = []) {
        self.unrepresentableAsNull = unrepresentableAsNull
        self.rowsAlreadyPresent = rowsAlreadyPresent
        self.warnings = warnings
    }
}
