import FinkExport

/// VOTable 1.4 for TOPCAT, Aladin, STILTS and astropy: one RESOURCE, one TABLE per exported
/// table, BINARY2 (default) or TABLEDATA, streamed row by row.
public struct VOTableFormat: SinkFormat {
    /// Creates the format.
    public init() {}

    /// Name, extensions and options.
    public let descriptor = SinkDescriptor(
        name: "votable", title: "IVOA VOTable 1.4, BINARY2 or TABLEDATA, provenance as INFO elements",
        extensions: ["vot", "votable", "xml"],
        capabilities: SinkCapabilities(tablesPerFile: .many, supportsAppend: false, compression: []),
        options: [
            SinkOptionSpec(name: "encoding", kind: .choice(["binary2", "tabledata"]), defaultValue: "binary2",
                           help: "binary2: base64 rows with null flags (smaller, faster to read); tabledata: readable XML"),
        ])

    /// Creates a writer for one VOTable file.
    public func makeWriter(destination: SinkDestination, options: SinkOptions) throws -> any TableWriter {
        try VOTableWriter(destination: destination, binary: options["encoding"] != "tabledata")
    }
}
