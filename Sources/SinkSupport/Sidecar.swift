import FinkExport
import Foundation

/// Writes the `<file>.meta.json` provenance sidecar of a one-table text output.
public enum Sidecar {
    /// The suffix appended to the data file's name.
    public static let suffix = ".meta.json"

    /// Reserves the sidecar's name beside `destination` when the writer opens, so an existing
    /// sidecar stops the export before any work rather than after it. Returns where to write.
    public static func reserve(beside destination: SinkDestination) throws -> URL {
        try destination.stageCompanion(suffix: suffix)
    }

    /// Writes the sidecar to the reserved `url`, keeping only `table` of the provenance.
    public static func write(_ provenance: Provenance, table: String?, to url: URL, finalPath: String) throws {
        var provenance = provenance
        if let table { provenance.tables = provenance.tables.filter { $0.name == table } }
        let output = try ByteOutput(url: url, displayPath: finalPath + suffix, gzip: false)
        do {
            let data = provenance.jsonData()
            try data.withUnsafeBytes { try output.write($0.bindMemory(to: UInt8.self)) }
            try output.write(UInt8(ascii: "\n"))
            try output.close()
        } catch {
            output.discard()
            throw error
        }
    }
}
