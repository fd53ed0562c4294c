import FinkExport
import SinkSupport

/// CSV (RFC 4180): a header of column names, one row per line, an empty field for a missing
/// value, shortest round-trip numbers; optionally gzip-compressed.
public struct CSVFormat: SinkFormat {
    /// Creates the format.
    public init() {}

    /// Name, extensions and options.
    public let descriptor = SinkDescriptor(
        name: "csv", title: "Comma-separated values (RFC 4180) with a .meta.json sidecar",
        extensions: ["csv", "csv.gz"],
        capabilities: SinkCapabilities(tablesPerFile: .one, supportsAppend: false, compression: ["gzip"]),
        options: [
            CompressionOption.spec,
            SinkOptionSpec(name: "line-terminator", kind: .choice(["crlf", "lf"]), defaultValue: "crlf",
                           help: "end rows with CRLF as RFC 4180 says, or with LF"),
        ])

    /// Creates a writer for one CSV file.
    public func makeWriter(destination: SinkDestination, options: SinkOptions) throws -> any TableWriter {
        try CSVWriter(destination: destination, options: options)
    }

    /// `csv`, or `csv.gz` when compression is gzip.
    public func fileExtension(options: SinkOptions) -> String {
        CompressionOption.fileExtension(base: "csv", options: options)
    }
}
