import ArgumentParser
import FinkExport

/// Options shared by `export` and `convert`: what to write, where and how.
struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp(
        "Output file, or directory for one file per table.",
        discussion: "A path ending in / or without a known extension is a directory.",
        valueName: "path"))
    var output: String

    @Option(help: ArgumentHelp("Output format (see `fink-export formats`); default from the output's extension.",
                               valueName: "name"))
    var format: String?

    @Option(name: .customLong("option"), help: ArgumentHelp(
        "A format option as name=value (repeatable; see `fink-export formats`).", valueName: "name=value"))
    var formatOptions: [String] = []

    @Option(help: ArgumentHelp("Column names: fink keeps i:/d:/v: prefixes, plain drops them.", valueName: "fink|plain"))
    var names: NameStyle = .fink

    @Flag(name: .customLong("no-expand"), help: "Keep d:lc_features_g/r as the raw strings instead of 26 columns each.")
    var noExpand = false

    @Flag(help: "Write a value that does not fit its column as null (counted in the summary) instead of failing.")
    var lenient = false

    @Flag(help: "Replace output files that already exist.")
    var overwrite = false

    @Flag(help: "Add rows to an existing output instead of refusing it (formats that can append; alerts already there are skipped).")
    var append = false

    @Flag(name: [.short, .long], help: "No progress line, notices or summary; errors and warnings still go to stderr.")
    var quiet = false

    @Option(help: ArgumentHelp("VOTable serialisation: binary2 (default: smaller, faster) or tabledata (readable XML).",
                               valueName: "binary2|tabledata"))
    var votableEncoding: String?

    @Option(help: ArgumentHelp("HDF5 deflate level 1-9, or off (default 1, after the shuffle filter).", valueName: "level|off"))
    var hdf5Compression: String?

    @Option(help: ArgumentHelp("HDF5 rows per chunk (default: a power of two near 1 MiB per chunk).", valueName: "rows"))
    var hdf5ChunkRows: Int?

    @Option(help: ArgumentHelp("HDF5 layout: table (a compound dataset per table) or features (feature matrices for ML).",
                               valueName: "table|features"))
    var hdf5Layout: String?

    func mappingOptions(columns: [String]?, withUpperLimits: Bool = false) -> MappingOptions {
        MappingOptions(nameStyle: names, expandFeatures: !noExpand, lenient: lenient, columns: columns,
                       withUpperLimits: withUpperLimits)
    }

    /// `--option` assignments plus those the format-specific flags stand for.
    func optionAssignments() throws -> [String] {
        var assignments = formatOptions
        if let hdf5Compression {
            guard hdf5Compression == "off" || (Int(hdf5Compression).map { (1 ... 9).contains($0) } ?? false) else {
                throw ValidationError("--hdf5-compression takes a level from 1 to 9 or off, not \"\(hdf5Compression)\"")
            }
            assignments.append("compression-level=\(hdf5Compression == "off" ? "0" : hdf5Compression)")
        }
        if let hdf5ChunkRows { assignments.append("chunk-rows=\(hdf5ChunkRows)") }
        if let hdf5Layout { assignments.append("layout=\(hdf5Layout)") }
        if let votableEncoding { assignments.append("encoding=\(votableEncoding)") }
        return assignments
    }

    /// The pipeline writing `tables` from `source` as these options say.
    func pipeline(source: ExportSource, tables: [ExportTable], columns: [String]?, withUpperLimits: Bool = false,
                  resume: Bool = false, keepAnswers: Bool = false) throws -> ExportPipeline {
        let mapper = try SchemaMapper(options: mappingOptions(columns: columns, withUpperLimits: withUpperLimits))
        var shard: Shard?
        if case .api(let api) = source { shard = api.shard }
        let layout = try OutputLayout(path: output, formatName: format, optionAssignments: try optionAssignments(),
                                      tables: tables, registry: .standard(), shard: shard)
        return try ExportPipeline(source: source, tables: tables, mapper: mapper, layout: layout,
                                  overwrite: overwrite, append: append, resume: resume, keepAnswers: keepAnswers)
    }
}

extension NameStyle: ExpressibleByArgument {}


/// Parses `--tables anomalies,objects`.
func parseTables(_ text: String) throws -> [ExportTable] {
    var tables: [ExportTable] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
        let name = part.trimmingCharacters(in: .whitespaces)
        guard let table = ExportTable(rawValue: name) else {
            throw ValidationError("--tables takes anomalies, objects or both (comma-separated), not \"\(name)\"")
        }
        if !tables.contains(table) { tables.append(table) }
    }
    guard !tables.isEmpty else { throw ValidationError("--tables needs at least one table") }
    return tables.sorted()
}
