import Foundation

/// A file format fink-export can write, as registered in the ``SinkRegistry``.
///
/// An implementation describes itself (``descriptor``: name, extensions, capabilities,
/// options) and makes one ``TableWriter`` per output file. It must:
/// - be a value that can be shared between threads: it holds settings, not open files;
/// - accept exactly the options its descriptor declares (the registry checks assignments
///   against the declaration before ``makeWriter(destination:options:)`` sees them);
/// - know nothing of HTTP, of Fink's column names or of the command line: what it needs to
///   know about a column (its storage, unit, UCD, description, role) is in the schema.
public protocol SinkFormat: Sendable {
    /// Name, extensions, capabilities and options, as `fink-export formats` lists them.
    var descriptor: SinkDescriptor { get }

    /// Creates the writer of one output file.
    ///
    /// Called on the same thread as every later call into that writer. It may create the
    /// staged file now (so a file that cannot be created fails before any data is fetched).
    ///
    /// - Parameters:
    ///   - destination: the staged path to write and the final path it will be renamed to.
    ///   - options: the sink's options, checked against ``descriptor``, defaults filled in.
    /// - Throws: a ``SinkError``: of kind `usage` for options that cannot work together, of
    ///   kind `output` for a file that cannot be created.
    func makeWriter(destination: SinkDestination, options: SinkOptions) throws -> any TableWriter

    /// Refuses option values that are each valid but do not work together, before any file
    /// or directory is made. Called once per export with the checked options; the default
    /// accepts everything. ``makeWriter(destination:options:)`` may rely on it having passed.
    ///
    /// - Throws: ``SinkError/optionCombination(format:detail:)`` (kind `usage`).
    func validate(options: SinkOptions) throws

    /// The extension of a file fink-export names itself (`objects.<ext>` in a directory).
    /// The default is the first registered extension.
    func fileExtension(options: SinkOptions) -> String
}

extension SinkFormat {
    /// Accepts every combination of declared options.
    public func validate(options: SinkOptions) throws {}

    /// The first registered extension.
    public func fileExtension(options: SinkOptions) -> String {
        descriptor.extensions.first ?? descriptor.name
    }
}

/// Writes the tables of one output file, batch by batch.
///
/// **Who calls, and in what order.** All calls come from one thread (the export's writer
/// thread), one at a time: for each table `beginTable`, `write`…, `endTable`; then `finish`
/// once; then `close`. A table without rows is `beginTable` then `endTable`, with no
/// `write`: a batch never has zero rows. A format that holds one table per file gets one
/// table; a second `beginTable` there must throw ``SinkError/tableLimit(format:path:holding:)``.
///
/// **What a writer must do.**
/// - Write only to ``SinkDestination/stagingURL`` (and companions staged through
///   ``SinkDestination/stageCompanion(suffix:)``, and temporary files inside
///   ``SinkDestination/makeScratchDirectory()``). The caller renames the staged files into
///   place after `finish` succeeded for every file, or removes them after any failure.
/// - Never print, exit, or rename or remove its own staged files.
/// - Hold every value exactly, or report what it could not hold: a value the format cannot
///   represent is written as null and counted in ``TableWriteReport/unrepresentableAsNull``
///   (never silently dropped or rounded); one it can neither hold nor write as null is an
///   error of kind `data`. A column name the format cannot hold is refused by `beginTable`
///   with ``SinkError/columnNameNotHeld(format:column:reason:)`` (kind `usage`).
/// - Throw ``SinkError``s that name the final path (``SinkDestination/finalURL``), for
///   failures of its own files or libraries (kind `output`).
/// - Read roles (``TableSchema/alertKey``, ``TableSchema/index(of:)-(ColumnRole)``) when it
///   needs a key, a label or a score; never look for a column by a Fink name.
///
/// **Closing.** `close` releases every handle and file descriptor. It is called after
/// `finish` too, and after a failure at any point (even before `beginTable`); it must be
/// safe to call more than once and must not throw.
public protocol TableWriter: AnyObject {
    /// A table starts; `schema` fixes its columns (and its name and description).
    func beginTable(_ schema: TableSchema) throws
    /// Rows of the current table; `batch.schema` is the schema `beginTable` got, and
    /// `batch.rowCount` is at least 1.
    func write(_ batch: RecordBatch) throws
    /// The current table is complete. Returns what the user should know about how it was
    /// written (values written as null, rows an appended file already held, remarks).
    func endTable() throws -> TableWriteReport
    /// Every table is complete; `provenance` holds the final counts. Store it as the format
    /// keeps metadata, then flush and close the file (errors here are output errors).
    func finish(provenance: Provenance) throws
    /// Releases files and handles; after `finish`, after a failure, and safe to repeat.
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

    /// Creates an empty directory for temporary files beside the output. It is removed with
    /// everything in it once the export is committed or discarded.
    public func makeScratchDirectory() throws -> URL {
        try staging.scratchDirectory(for: finalURL)
    }
}

/// What a writer has to say about a table it wrote.
public struct TableWriteReport: Sendable, Equatable {
    /// By column, how many values the format could not hold and wrote as null (such as
    /// infinities in JSON).
    public var unrepresentableAsNull: [String: Int]
    /// Rows not written because the output already held them (appending).
    public var rowsAlreadyPresent: Int
    /// Anything else the user should know, one line each, naming no command-line option.
    public var warnings: [String]

    /// Creates a report; the default says nothing happened.
    public init(unrepresentableAsNull: [String: Int] = [:], rowsAlreadyPresent: Int = 0, warnings: [String] = []) {
        self.unrepresentableAsNull = unrepresentableAsNull
        self.rowsAlreadyPresent = rowsAlreadyPresent
        self.warnings = warnings
    }
}
