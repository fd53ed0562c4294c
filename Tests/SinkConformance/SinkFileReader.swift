import FinkExport
import Foundation

/// Reads back what a sink wrote, without any of the sink's code: a reader knows the file
/// format from its specification, and the schemas only for what the file does not say itself
/// (which column of text holds integers, which SQLite integer is a boolean).
package protocol SinkFileReader: Sendable {
    /// Reads the tables `schemas` from the final output `files`: one file holding every table
    /// for a format with many tables per file, else one file per schema, in order.
    func read(files: [URL], schemas: [TableSchema]) throws -> [ReadTable]
}

/// A file a reader cannot make sense of: the message says where and why.
package struct ReaderError: Error, CustomStringConvertible {
    package let description: String

    /// Creates an error naming `file`.
    package init(_ file: URL, _ message: String) {
        description = "\(file.lastPathComponent): \(message)"
    }
}

extension SinkFileReader {
    /// Pairs each schema with its file when every table has a file of its own.
    func oneFilePerTable(_ files: [URL], _ schemas: [TableSchema]) throws -> [(URL, TableSchema)] {
        guard files.count == schemas.count else {
            throw ReaderError(files.first ?? URL(fileURLWithPath: "/"), "\(files.count) files for \(schemas.count) tables")
        }
        return Array(zip(files, schemas))
    }

    /// The single file of a format that holds every table in one file.
    func singleFile(_ files: [URL]) throws -> URL {
        guard files.count == 1, let file = files.first else {
            throw ReaderError(files.first ?? URL(fileURLWithPath: "/"), "expected one file, got \(files.count)")
        }
        return file
    }
}

/// Text read from a file as UTF-8, refusing invalid bytes instead of replacing them.
func decodeUTF8<Bytes: Collection<UInt8>>(_ bytes: Bytes, in file: URL, _ what: @autoclosure () -> String) throws -> String {
    guard let text = String(validating: bytes, as: UTF8.self) else {
        throw ReaderError(file, "\(what()) is not valid UTF-8")
    }
    return text
}
