import Foundation

/// The `<file>.meta.json` provenance sidecar of the one-table text formats.
enum MetaSidecar {
    /// The column names the sidecar beside `file` lists for `table`, or nil when it lists no
    /// table at all. Throws when the sidecar is missing, is not a JSON object, or lists
    /// other tables only.
    static func columns(beside file: URL, table: String) throws -> [String]? {
        let sidecar = URL(fileURLWithPath: file.path + ".meta.json")
        guard let data = FileManager.default.contents(atPath: sidecar.path) else {
            throw ReaderError(sidecar, "the provenance sidecar is missing")
        }
        let document: JSONValue
        do { document = try JSONValueParser.parse(data) } catch { throw ReaderError(sidecar, "not JSON: \(error)") }
        guard case .object = document, case .array(let tables)? = document["tables"] else {
            throw ReaderError(sidecar, "not an object with a tables array")
        }
        if tables.isEmpty { return nil }
        guard let record = tables.first(where: { if case .string(table)? = $0["name"] { return true } else { return false } }), case .array(let columns)? = record["columns"] else {
            throw ReaderError(sidecar, "no record of the table \(table)")
        }
        return try columns.map { column in
            guard case .string(let name)? = column["name"] else { throw ReaderError(sidecar, "a column without a name") }
            return name
        }
    }
}
