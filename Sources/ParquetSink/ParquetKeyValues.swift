import FinkExport
import Foundation
import SinkSupport

/// The file's key/value metadata: the provenance under the keys every fink-export format
/// uses, plus the column metadata in the three forms readers look for.
///
/// - `IVOA.VOTable-Parquet.*` (the IVOA VOParquet note 1.0): a VOTable with one FIELD per
///   column and no DATA; astropy's `parquet.votable` reader takes units, UCDs and
///   descriptions from it.
/// - `table_meta_yaml`: astropy's own header, read by its plain `parquet` reader, and
///   `table::len::<column>` for each text column, the width astropy gives its strings
///   (without it astropy scans the column and fails on a null); bytes, which are never
///   fewer than astropy's characters.
/// - `pandas`: pandas' schema note, which makes `read_parquet` give nullable `Int64`, `Int32`
///   and `boolean` columns: without it, an integer column with nulls becomes float64 and ids
///   above 2^53 lose digits.
enum ParquetKeyValues {
    static func entries(table schema: TableSchema, columns: [LeafColumn], textWidths: [Int],
                        provenance: Provenance) -> [(key: String, value: String)] {
        var entries = provenance.entries
        entries.append(("provenance", String(decoding: provenance.jsonData(), as: UTF8.self)))
        entries.append(("IVOA.VOTable-Parquet.version", "1.0"))
        entries.append(("IVOA.VOTable-Parquet.content", votable(schema, columns: columns)))
        entries.append(("table_meta_yaml", astropyYAML(schema, columns: columns, provenance: provenance)))
        for (column, width) in zip(columns, textWidths) where column.type == .byteArray {
            entries.append(("table::len::\(column.name)", String(max(1, width))))
        }
        entries.append(("pandas", pandas(columns: columns)))
        return entries
    }

    /// The VOTable datatype that describes a Parquet column's values.
    private static func votableType(_ column: LeafColumn) -> String {
        switch column.type {
        case .boolean: return "boolean"
        case .int32: return "int"
        case .int64: return "long"
        case .float: return "float"
        case .double: return "double"
        case .byteArray: return "unicodeChar"
        }
    }

    static func votable(_ schema: TableSchema, columns: [LeafColumn]) -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
            <RESOURCE type="results">
            <TABLE name="\(XMLText.attribute(schema.name))">

            """
        if let description = schema.description { xml += "<DESCRIPTION>\(XMLText.content(description))</DESCRIPTION>\n" }
        for (field, column) in zip(schema.fields, columns) {
            xml += VOTableField.element(for: field, datatype: votableType(column), isText: column.type == .byteArray)
        }
        return xml + "</TABLE>\n</RESOURCE>\n</VOTABLE>\n"
    }

    private static func astropyType(_ column: LeafColumn) -> String {
        switch column.type {
        case .boolean: return "bool"
        case .int32: return "int32"
        case .int64: return "int64"
        case .float: return "float32"
        case .double: return "float64"
        case .byteArray: return "string"
        }
    }

    static func astropyYAML(_ schema: TableSchema, columns: [LeafColumn], provenance: Provenance) -> String {
        let described = zip(schema.fields, columns).map { field, column in
            AstropyMetadata.Column(name: field.name, datatype: astropyType(column), unit: field.unit,
                                   description: field.description, ucd: field.ucd, mask: nil)
        }
        var meta: [(String, String)] = [("table", schema.name)]
        if let description = schema.description { meta.append(("description", description)) }
        meta.append(contentsOf: provenance.entries.map { ($0.key, $0.value) })
        return AstropyMetadata.lines(columns: described, tableMeta: meta).joined(separator: "\n")
    }

    /// pandas' metadata, in the shape pyarrow writes for a DataFrame without an index.
    static func pandas(columns: [LeafColumn]) -> String {
        func types(_ column: LeafColumn) -> (pandas: String, numpy: String) {
            switch column.type {
            case .boolean: return ("boolean", "boolean")
            case .int32: return ("int32", "Int32")
            case .int64: return ("int64", "Int64")
            case .float: return ("float32", "float32")
            case .double: return ("float64", "float64")
            case .byteArray: return ("unicode", "object")
            }
        }
        // Written here rather than by JSONSerialization, whose sorted keys compare through ICU:
        // 90M instructions per file for 214 columns. Keys in sorted order, as before.
        var json: [UInt8] = []
        func string(_ text: String) {
            var text = text
            text.withUTF8 { JSONText.appendString($0, to: &json) }
        }
        func raw(_ text: StaticString) {
            json.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        raw(#"{"column_indexes":[],"columns":["#)
        for (index, column) in columns.enumerated() {
            let (pandasType, numpyType) = types(column)
            raw(index == 0 ? #"{"field_name":"# : #",{"field_name":"#)
            string(column.name)
            raw(#","metadata":null,"name":"#)
            string(column.name)
            raw(#","numpy_type":"#)
            string(numpyType)
            raw(#","pandas_type":"#)
            string(pandasType)
            raw("}")
        }
        raw(#"],"creator":{"library":"fink-export","version":"#)
        string(FinkExportVersion.current)
        raw(#"},"index_columns":[],"pandas_version":"2.2.0"}"#)
        return String(decoding: json, as: UTF8.self)
    }
}
