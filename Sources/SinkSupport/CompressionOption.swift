import FinkExport

/// The `compression` option shared by the text sinks: `auto` follows the file name (`.gz`).
public enum CompressionOption {
    /// The option's description.
    public static let spec = SinkOptionSpec(
        name: "compression", kind: .choice(["auto", "none", "gzip"]), defaultValue: "auto",
        help: "gzip the file; auto compresses when the file name ends in .gz")

    /// Whether output to `finalPath` with `options` is gzip-compressed.
    public static func isGzip(_ options: SinkOptions, finalPath: String) -> Bool {
        switch options["compression"] {
        case "gzip": return true
        case "none": return false
        default: return finalPath.lowercased().hasSuffix(".gz")
        }
    }

    /// The file extension for a named file: `base.gz` when compression is explicitly gzip.
    public static func fileExtension(base: String, options: SinkOptions) -> String {
        options["compression"] == "gzip" ? base + ".gz" : base
    }
}
