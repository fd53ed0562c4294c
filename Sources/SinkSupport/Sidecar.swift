import FinkExport
import Foundation

/// Writes the `<file>.meta.json` provenance sidecar of a one-table text output.
public enum Sidecar {
    /// The suffix appended to the data file's name.
    public static let suffix = ".meta.json"

    /// Stages and writes the sidecar next to `destination`'s file, keeping only `table`.
    public static func write(_ provenance: Provenance, table: String?, beside destination: SinkDestination) throws {
        var provenance = provenance
        if let table { provenance.tables = provenance.tables.filter { $0.name == table } }
        let url = try destination.stageCompanion(suffix: suffix)
        let output = try ByteOutput(url: url, displayPath: destination.finalURL.path + suffix, gzip: false)
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
