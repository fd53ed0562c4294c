import FinkExport
import SinkSupport

/// JSON Lines: one JSON object per row, keys in column order, `null` for a missing value,
/// 64-bit integers exact; optionally gzip-compressed.
public struct JSONLinesFormat: SinkFormat {
    /// Creates the format.
    public init() {}

    /// Name, extensions and options.
    public let descriptor = SinkDescriptor(
        name: "jsonl", title: "JSON Lines, one object per row, with a .meta.json sidecar",
        extensions: ["jsonl", "jsonl.gz", "ndjson", "ndjson.gz"],
        capabilities: SinkCapabilities(tablesPerFile: .one, supportsAppend: false, compression: ["gzip"]),
        options: [CompressionOption.spec])

    /// Creates a writer for one JSON Lines file.
    public func makeWriter(destination: SinkDestination, options: SinkOptions) throws -> any TableWriter {
        try JSONLinesWriter(destination: destination, options: options)
    }

    /// `jsonl`, or `jsonl.gz` when compression is gzip.
    public func fileExtension(options: SinkOptions) -> String {
        CompressionOption.fileExtension(base: "jsonl", options: options)
    }
}
