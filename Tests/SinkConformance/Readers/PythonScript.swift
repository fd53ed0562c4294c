import FinkExport
import Foundation

/// Runs a reader written in Python on a file and returns what it printed: the kit reads the
/// formats no Swift reader exists for with the libraries their users have (pyarrow, astropy).
///
/// The interpreter is `FINK_EXPORT_PYTHON`, else the project's `.venv/bin/python`
/// (`scripts/bootstrap` installs the readers there).
enum PythonScript {
    static var python: String {
        if let configured = ProcessInfo.processInfo.environment["FINK_EXPORT_PYTHON"] { return configured }
        // Tests/SinkConformance/Readers/PythonScript.swift → the package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".venv/bin/python").path
    }

    /// Runs `script` with `file` as its argument; `reading` says what it does, for errors.
    static func run(_ script: String, on file: URL, reading: String) throws -> Data {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw ReaderError(file, "no Python at \(python) to read \(reading): run scripts/bootstrap or set FINK_EXPORT_PYTHON")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, file.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes to the end before waiting, so a full pipe never blocks the child.
        let errorData = ErrorCollector(errors.fileHandleForReading)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorData.finish(), as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            throw ReaderError(file, "could not read \(reading): \(message)")
        }
        return data
    }
}

extension PythonScript {
    /// One cell of a script's JSON dump as the value of a `kind` column: integers as JSON
    /// numbers, reals as 16 hex digits of their float64 bit pattern (so they compare bit for
    /// bit), booleans, text, and null.
    static func value(_ cell: JSONValue, as kind: StorageKind, file: URL, where place: String) throws -> ReadValue {
        switch (cell, kind) {
        case (.null, _): return .null
        case (.number(let literal), .integer):
            if let value = Int64(literal) { return .integer(value) }
        case (.string(let bits), .real):
            if let pattern = UInt64(bits, radix: 16) { return .realOrNull(Double(bitPattern: pattern)) }
        case (.bool(let value), .boolean): return .bool(value)
        case (.string(let text), .text): return .text(text)
        default: break
        }
        throw ReaderError(file, "\(place): \(cell) is not a \(kind) value")
    }
}

/// Reads a pipe on another thread, so stdout and stderr drain at the same time.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func finish() -> Data {
        done.wait()
        return data
    }
}
