import FinkExport

/// SQLite: one table per exported table, typed columns, indexes, provenance tables; rows can
/// be appended to an earlier export without duplicating an alert.
public struct SQLiteFormat: SinkFormat {
    /// Creates the format.
    public init() {}

    /// Name, extensions and options.
    public let descriptor = SinkDescriptor(
        name: "sqlite", title: "SQLite database: a table per exported table, fink_export_meta provenance",
        extensions: ["sqlite", "db", "sqlite3"],
        capabilities: SinkCapabilities(tablesPerFile: .many, supportsAppend: true, compression: []),
        options: [
            SinkOptionSpec(name: "indexes", kind: .bool, defaultValue: "true",
                           help: "index the object id and alert id columns after the load"),
        ])

    /// Creates a writer for one database file.
    public func makeWriter(destination: SinkDestination, options: SinkOptions) throws -> any TableWriter {
        try SQLiteWriter(destination: destination, createIndexes: options.bool("indexes") ?? true)
    }
}
