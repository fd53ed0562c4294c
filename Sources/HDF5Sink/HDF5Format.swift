import FinkExport

/// HDF5: a 1-D compound dataset per table that h5py, astropy and pandas (through PyTables)
/// read directly, with astropy's column metadata and masks; or an ML layout of feature
/// matrices.
public struct HDF5Format: SinkFormat {
    /// Creates the format.
    public init() {}

    /// Name, extensions and options.
    public let descriptor = SinkDescriptor(
        name: "hdf5", title: "HDF5: a compound dataset per table (h5py, astropy, pandas/PyTables), provenance as root attributes",
        extensions: ["h5", "hdf5"],
        capabilities: SinkCapabilities(tablesPerFile: .many, supportsAppend: false, compression: ["deflate"]),
        options: [
            SinkOptionSpec(name: "compression-level", kind: .integer(0 ... 9), defaultValue: "1",
                           help: "deflate level after the shuffle filter; 0 turns compression off"),
            SinkOptionSpec(name: "chunk-rows", kind: .integer(0 ... 1_048_576), defaultValue: "0",
                           help: "rows per chunk; 0 picks a power of two near 1 MiB per chunk"),
            SinkOptionSpec(name: "layout", kind: .choice(["table", "features"]), defaultValue: "table",
                           help: "table: a compound dataset per table; features: per table a feature matrix plus objectId, candid, label, score"),
            SinkOptionSpec(name: "floats", kind: .choice(["float64", "float32"]), defaultValue: "float64",
                           help: "store float columns and feature matrices as float64 (exact values) or float32 (half the size)"),
        ])

    /// Creates a writer for one HDF5 file.
    public func makeWriter(destination: SinkDestination, options: SinkOptions) throws -> any TableWriter {
        try HDF5Writer(destination: destination, settings: HDF5Writer.Settings(
            compressionLevel: options.integer("compression-level") ?? 1,
            chunkRows: options.integer("chunk-rows") ?? 0,
            featuresLayout: options["layout"] == "features",
            float32: options["floats"] == "float32"))
    }
}
