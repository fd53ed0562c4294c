// swift-tools-version:6.0
import Foundation
import PackageDescription

// FINK_EXPORT_FUZZ=1 (set by scripts/fuzz) builds the fuzz targets for libFuzzer, with the core
// instrumented for coverage and checked by AddressSanitizer. Unset, nothing here changes.
let fuzzing = ProcessInfo.processInfo.environment["FINK_EXPORT_FUZZ"] != nil
let fuzzInstrumentation: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []
let fuzzTarget: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"]), .define("FUZZING")] : []
// lld: gold fails on the instrumented objects ("internal error in format_file_lineno").
let fuzzLink: [LinkerSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])] : []

// Linux only: the sinks and the CLI call Glibc directly (no macOS build backs a platform claim).
// Dependencies are kept to swift-argument-parser alone: everything else (HTTP server for the
// stand-in, JSON reading, gzip) is either Foundation, a system library, or small enough to own.
let package = Package(
    name: "fink-export",
    products: [
        .executable(name: "fink-export", targets: ["fink-export"]),
        .executable(name: "fink-standin", targets: ["fink-standin"]),
        .library(name: "FinkExport", targets: ["FinkExport"]),
        .library(name: "FinkStandin", targets: ["FinkStandin"]),
        // The FITS sink, a plugin loaded at run time like any other (beside the executable).
        .library(name: "fink-export-sink-fits", type: .dynamic, targets: ["FITSSinkPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The column catalogue in Schemas/ is compiled into Swift at build time.
        .executableTarget(name: "schema-codegen", path: "Sources/schema-codegen"),
        .plugin(name: "SchemaCodegenPlugin", capability: .buildTool(),
                dependencies: ["schema-codegen"], path: "Plugins/SchemaCodegenPlugin"),

        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate", pkgConfig: "libdeflate",
                       providers: [.apt(["libdeflate-dev"])]),
        // HTTP(S) for real exports: libcurl's multi interface, without URLSession's per-chunk copies.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSnappy", path: "Sources/CSnappy", pkgConfig: "snappy",
                       providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CFITSIO", path: "Sources/CFITSIO", pkgConfig: "cfitsio",
                       providers: [.apt(["libcfitsio-dev"])]),
        // The plugin ABI: the one header a sink plugin needs (fink_export_sink.h).
        .systemLibrary(name: "CFinkExportSink", path: "Plugins/SinkABI"),
        // glibc's mallopt, for the CLI's heap tuning (part of libc: nothing to link).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),

        // Core: query, client, transport, schema, mapper, batch, sink protocol, registry, pipeline.
        .target(name: "FinkExport", dependencies: ["CCurl"], path: "Sources/FinkExport", swiftSettings: fuzzInstrumentation,
                plugins: ["SchemaCodegenPlugin"]),
        // Plumbing shared by file sinks: buffered (optionally gzip) output, text number formatting.
        .target(name: "SinkSupport", dependencies: ["FinkExport", "CZlib"], path: "Sources/SinkSupport"),
        .target(name: "CSVSink", dependencies: ["FinkExport", "SinkSupport"], path: "Sources/CSVSink"),
        .target(name: "JSONLinesSink", dependencies: ["FinkExport", "SinkSupport"], path: "Sources/JSONLinesSink"),
        .target(name: "SQLiteSink", dependencies: ["FinkExport", "CSQLite"], path: "Sources/SQLiteSink"),
        .target(name: "HDF5Sink", dependencies: ["FinkExport", "SinkSupport", "CHDF5", "CDeflate"], path: "Sources/HDF5Sink"),
        .target(name: "VOTableSink", dependencies: ["FinkExport", "SinkSupport"], path: "Sources/VOTableSink"),
        // Parquet written from the specification (no Parquet library is packaged for Debian).
        .target(name: "ParquetSink", dependencies: ["FinkExport", "SinkSupport", "CZlib", "CZstd", "CSnappy"],
                path: "Sources/ParquetSink"),

        // Sinks loaded from shared libraries through the C ABI, as formats of the registry.
        .target(name: "PluginSink", dependencies: ["FinkExport", "CFinkExportSink"], path: "Sources/PluginSink"),
        // FITS binary tables on cfitsio, written in C against the plugin ABI alone.
        .target(name: "FITSSinkPlugin", dependencies: ["CFITSIO", "CZlib"], path: "Plugins/FITSSink", publicHeadersPath: ".",
                cSettings: [.headerSearchPath("../SinkABI"),
                            // DWARF 4: valgrind 3.19 (Debian bookworm) cannot read the DWARF 5 clang writes.
                            .unsafeFlags(["-Wall", "-Wextra", "-gdwarf-4"])]),

        // The registry of this build: every built-in sink, then the plugins found at run time.
        .target(name: "StandardSinks", dependencies: [
            "FinkExport", "CSVSink", "JSONLinesSink", "SQLiteSink", "HDF5Sink", "VOTableSink", "ParquetSink", "PluginSink",
        ], path: "Sources/StandardSinks"),

        // A Fink-compatible API over a seeded dataset: used by --sample, tests and benchmarks.
        .target(name: "FinkStandin", dependencies: ["FinkExport"], path: "Sources/FinkStandin"),

        .executableTarget(name: "fink-export", dependencies: [
            "FinkExport", "StandardSinks", "PluginSink", "FinkStandin", "CMalloc",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Sources/fink-export"),
        .executableTarget(name: "fink-standin", dependencies: [
            "FinkStandin",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Sources/fink-standin"),

        // Parse + map throughput on one core (Benchmarks/run.py reports it).
        .executableTarget(name: "parse-map-bench", dependencies: ["FinkExport"], path: "Benchmarks/ParseMap"),
        // One sink's write step alone, over batches parsed beforehand (Benchmarks/run.py).
        .executableTarget(name: "sink-write-bench", dependencies: ["FinkExport", "StandardSinks"], path: "Benchmarks/SinkWrite"),

        // libFuzzer targets (scripts/fuzz); in a normal build, tools that replay saved inputs.
        .systemLibrary(name: "CFuzzer", path: "Fuzz/CFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzer"], path: "Fuzz/FuzzSupport", swiftSettings: fuzzTarget),
        .executableTarget(name: "fuzz-json-reader", dependencies: ["FinkExport", "FuzzSupport"],
                          path: "Fuzz/JSONReaderFuzz", swiftSettings: fuzzTarget, linkerSettings: fuzzLink),
        .executableTarget(name: "fuzz-feature-string", dependencies: ["FinkExport", "FuzzSupport"],
                          path: "Fuzz/FeatureStringFuzz", swiftSettings: fuzzTarget, linkerSettings: fuzzLink),

        // The sink contract as checks any sink can be run through, with readers of the
        // built-in formats written independently of the sinks.
        .target(name: "SinkConformance", dependencies: ["FinkExport", "CSQLite", "CHDF5"], path: "Tests/SinkConformance"),

        .testTarget(name: "FinkExportTests", dependencies: [
            "FinkExport", "CSVSink", "JSONLinesSink", "SQLiteSink", "HDF5Sink", "VOTableSink", "ParquetSink", "PluginSink", "SinkSupport", "FinkStandin", "fink-export", "CSQLite",
            "SinkConformance",
        ], path: "Tests/FinkExportTests", exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
