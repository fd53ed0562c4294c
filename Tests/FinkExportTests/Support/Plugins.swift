import Foundation
import PluginSink
import SinkConformance

/// Plugins for tests: the FITS plugin `swift build` put beside the executables, and plugins
/// compiled from C source with the system compiler, as a plugin author would build them.
enum Plugins {
    /// The package root (Tests/FinkExportTests/Support/Plugins.swift → four levels up).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The directory holding fink_export_sink.h.
    static let headerDirectory = packageRoot.appendingPathComponent("Plugins/SinkABI")

    /// The bundled FITS plugin, loaded through the C ABI.
    static let fits: PluginFormat = {
        let path = CLI.productsDirectory.appendingPathComponent("libfink-export-sink-fits.so").path
        do {
            return try PluginFormat(path: path)
        } catch {
            fatalError("the FITS plugin built by swift build cannot be loaded: \(error)")
        }
    }()

    /// A compile that failed, with the compiler's words.
    struct CompileFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Compiles C `source` into `directory/libfink-export-sink-<name>.so` with
    /// `cc -shared -fPIC`, as the README tells plugin authors; returns the library's path.
    @discardableResult
    static func compile(source: String, name: String, into directory: URL) throws -> URL {
        let sourceFile = directory.appendingPathComponent("\(name).c")
        try source.write(to: sourceFile, atomically: true, encoding: .utf8)
        return try compile(file: sourceFile, name: name, into: directory)
    }

    /// Compiles the C file at `file`; see ``compile(source:name:into:)``.
    @discardableResult
    static func compile(file: URL, name: String, into directory: URL) throws -> URL {
        let library = directory.appendingPathComponent("libfink-export-sink-\(name).so")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/cc")
        process.arguments = ["-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-I", headerDirectory.path, file.path, "-o", library.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CompileFailure(description: "cc failed on \(file.lastPathComponent): \(String(decoding: message, as: UTF8.self))")
        }
        return library
    }
}
