import CHDF5
import FinkExport

/// Provenance as attributes of the file's root group.
enum HDF5Provenance {
    static func write(_ provenance: Provenance, on root: hid_t) throws {
        // Lists and counts keep their types as attributes; the rest is text.
        let typed: Set<String> = ["feature_names", "objects_request_count"]
        for (name, value) in provenance.entries where !typed.contains(name) && !name.hasPrefix("rows_") {
            try HDF5Attributes.write(name, string: value, on: root)
        }
        try HDF5Attributes.write("provenance", string: String(decoding: provenance.jsonData(), as: UTF8.self), on: root)
        try HDF5Attributes.write("feature_names", strings: provenance.featureNames, on: root)
        try HDF5Attributes.write("objects_request_count", integer: Int64(provenance.objectsRequestCount), on: root)
        for table in provenance.tables {
            try HDF5Attributes.write("rows_\(table.name)", integer: Int64(table.rows), on: root)
        }
    }
}
