import CHDF5
import FinkExport
import Foundation

/// Provenance as attributes of the file's root group.
enum HDF5Provenance {
    static func write(_ provenance: Provenance, on root: hid_t) throws {
        let strings: [(String, String)] = [
            ("tool", provenance.tool), ("tool_version", provenance.toolVersion), ("source", provenance.source),
            ("exported_at", provenance.exportedAt), ("schema_version", provenance.schemaVersion),
            ("name_style", provenance.nameStyle), ("features_expanded", provenance.featuresExpanded ? "true" : "false"),
            ("anomaly_request", provenance.anomalyRequest.map { "\($0.method) \($0.url) \($0.body)" } ?? ""),
            ("objects_request", provenance.objectsRequest.map { "\($0.method) \($0.url) \($0.body)" } ?? ""),
            ("warnings", json(provenance.warnings)),
            ("provenance", String(decoding: provenance.jsonData(), as: UTF8.self)),
        ]
        for (name, value) in strings { try HDF5Attributes.write(name, string: value, on: root) }
        try HDF5Attributes.write("feature_names", strings: provenance.featureNames, on: root)
        try HDF5Attributes.write("objects_request_count", integer: Int64(provenance.objectsRequestCount), on: root)
        for table in provenance.tables {
            try HDF5Attributes.write("rows_\(table.name)", integer: Int64(table.rows), on: root)
        }
    }

    private static func json(_ value: [String]) -> String {
        (try? JSONSerialization.data(withJSONObject: value)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }
}
