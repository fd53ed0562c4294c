import FinkExport
import Foundation

/// Reads Parquet files with pyarrow (Arrow C++'s reader, the one most Parquet users have), in
/// a Python process: no Swift Parquet reader exists here, and pyarrow is the reference the
/// format's users compare against. Each column's Arrow type must be the one its storage kind
/// calls for; reals cross as their bit patterns, so values compare bit for bit.
///
/// The interpreter is `FINK_EXPORT_PYTHON`, else the project's `.venv/bin/python`
/// (`scripts/bootstrap` installs pyarrow there).
package struct ParquetFileReader: SinkFileReader {
    package init() {}

    package func read(files: [URL], schemas: [TableSchema]) throws -> [ReadTable] {
        try oneFilePerTable(files, schemas).map { file, schema in
            let output = try Self.runPyarrow(on: file)
            guard case .object(let members) = try JSONValueParser.parse(Array(output)),
                  case .array(let names)? = members.first(where: { $0.key == "columns" })?.value,
                  case .array(let types)? = members.first(where: { $0.key == "types" })?.value,
                  case .array(let columns)? = members.first(where: { $0.key == "values" })?.value,
                  case .number(let rowText)? = members.first(where: { $0.key == "rows" })?.value,
                  let rowCount = Int(rowText) else {
                throw ReaderError(file, "pyarrow's dump has an unexpected shape")
            }
            let columnNames = try names.map { name -> String in
                guard case .string(let text) = name else { throw ReaderError(file, "a column name that is not text") }
                return text
            }
            guard columnNames.count == schema.fields.count, types.count == columnNames.count, columns.count == columnNames.count else {
                throw ReaderError(file, "\(columnNames.count) columns for \(schema.fields.count) fields")
            }
            var values = Array(repeating: [ReadValue](), count: rowCount)
            for (index, field) in schema.fields.enumerated() {
                guard case .string(let type) = types[index], Self.arrowTypes(for: field.storage).contains(type) else {
                    throw ReaderError(file, "column \(columnNames[index].debugDescription) has Arrow type \(types[index]), not one for \(field.storage)")
                }
                guard case .array(let cells) = columns[index], cells.count == rowCount else {
                    throw ReaderError(file, "column \(columnNames[index].debugDescription) does not have \(rowCount) values")
                }
                for (row, cell) in cells.enumerated() {
                    values[row].append(try PythonScript.value(cell, as: field.storage, file: file, where: "\(columnNames[index]) row \(row)"))
                }
            }
            return ReadTable(name: schema.name, columns: columnNames, rows: values)
        }
    }

    /// The Arrow types (as pyarrow prints them) a column of `kind` may read as.
    static func arrowTypes(for kind: StorageKind) -> Set<String> {
        switch kind {
        case .integer: return ["int64", "int32"]
        case .real: return ["double", "float"]
        case .boolean: return ["bool"]
        case .text: return ["string"]
        }
    }

    /// pyarrow's reading of `file` as JSON: names, Arrow types, row count, and the values
    /// column by column (reals as 16 hex digits of their float64 bit pattern).
    private static let script = #"""
        import json, struct, sys
        import pyarrow.parquet as pq
        table = pq.read_table(sys.argv[1])
        def cell(value, real):
            if value is None:
                return None
            return format(struct.unpack("<Q", struct.pack("<d", value))[0], "016x") if real else value
        columns = []
        for field, column in zip(table.schema, table.columns):
            real = str(field.type) in ("double", "float")
            columns.append([cell(v, real) for v in column.to_pylist()])
        json.dump({"columns": table.schema.names, "types": [str(f.type) for f in table.schema],
                   "rows": table.num_rows, "values": columns}, sys.stdout, ensure_ascii=False)
        """#

    private static func runPyarrow(on file: URL) throws -> Data {
        try PythonScript.run(script, on: file, reading: "Parquet with pyarrow")
    }
}
