import FinkExport
import Foundation

/// Reads FITS binary tables as the FITS Standard lays them out: astropy parses the headers
/// (CONTINUE and HIERARCH cards included), and the rows are decoded from the file's bytes
/// here in Python, big-endian by TFORMn, so nothing of astropy's null or string handling
/// stands between the file and the values. Then it undoes the plugin's documented mappings:
/// a column renamed for FITS has its original name in ONAMEn, and text under `ESCAPE = 'JSON'`
/// is unescaped. Nulls: TNULLn for integers, NaN for reals, byte 0 for logicals, a first
/// byte NUL for text.
package struct FITSFileReader: SinkFileReader {
    package init() {}

    package func read(files: [URL], schemas: [TableSchema]) throws -> [ReadTable] {
        let file = try singleFile(files)
        guard case .array(let tables) = try JSONValueParser.parse(Array(try PythonScript.run(Self.script, on: file, reading: "FITS"))) else {
            throw ReaderError(file, "the FITS dump has an unexpected shape")
        }
        guard tables.count == schemas.count else {
            throw ReaderError(file, "\(tables.count) BINTABLE extensions for \(schemas.count) tables")
        }
        return try zip(tables, schemas).map { table, schema in try Self.table(table, schema: schema, file: file) }
    }

    private static func table(_ dump: JSONValue, schema: TableSchema, file: URL) throws -> ReadTable {
        guard case .object(let members) = dump,
              case .string(let name)? = members.first(where: { $0.key == "name" })?.value,
              case .array(let names)? = members.first(where: { $0.key == "columns" })?.value,
              case .array(let forms)? = members.first(where: { $0.key == "forms" })?.value,
              case .array(let columns)? = members.first(where: { $0.key == "values" })?.value,
              case .number(let rowText)? = members.first(where: { $0.key == "rows" })?.value, let rowCount = Int(rowText) else {
            throw ReaderError(file, "a table of the FITS dump has an unexpected shape")
        }
        let columnNames = try names.map { name -> String in
            guard case .string(let text) = name else { throw ReaderError(file, "a column name that is not text") }
            return text
        }
        guard columnNames.count == schema.fields.count, forms.count == columnNames.count, columns.count == columnNames.count else {
            throw ReaderError(file, "\(name): \(columnNames.count) columns for \(schema.fields.count) fields")
        }
        var rows = Array(repeating: [ReadValue](), count: rowCount)
        for (index, field) in schema.fields.enumerated() {
            guard case .string(let form) = forms[index], let code = form.last, Self.codes(for: field.storage).contains(code) else {
                throw ReaderError(file, "column \(columnNames[index].debugDescription) has TFORM \(forms[index]), not one for \(field.storage)")
            }
            guard case .array(let cells) = columns[index], cells.count == rowCount else {
                throw ReaderError(file, "column \(columnNames[index].debugDescription) does not have \(rowCount) values")
            }
            for (row, cell) in cells.enumerated() {
                rows[row].append(try PythonScript.value(cell, as: field.storage, file: file, where: "\(columnNames[index]) row \(row)"))
            }
        }
        return ReadTable(name: name, columns: columnNames, rows: rows)
    }

    /// The TFORMn type codes a column of `kind` may have.
    static func codes(for kind: StorageKind) -> Set<Character> {
        switch kind {
        case .integer: return ["K", "J"]
        case .real: return ["D", "E"]
        case .boolean: return ["L"]
        case .text: return ["A"]
        }
    }

    /// Prints a JSON list of the BINTABLE extensions: name, column names, TFORMs, row count
    /// and values column by column (reals as 16 hex digits of their float64 bit pattern).
    private static let script = #"""
        import gzip, io, json, re, struct, sys
        from astropy.io import fits
        path = sys.argv[1]
        raw = open(path, "rb").read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        def unescape(text, header):
            if header.get("ESCAPE") != "JSON":
                return text
            return json.loads('"' + text.replace('"', '\\"') + '"')
        def real_bits(value):
            return None if value != value else format(struct.unpack(">Q", struct.pack(">d", value))[0], "016x")
        tables = []
        with fits.open(io.BytesIO(raw)) as hdus:
            for hdu in hdus[1:]:
                header = hdu.header
                if header.get("XTENSION") != "BINTABLE":
                    raise SystemExit("HDU %s is not a BINTABLE" % header.get("EXTNAME"))
                start = hdu.fileinfo()["datLoc"]
                width, rows, count = header["NAXIS1"], header["NAXIS2"], header["TFIELDS"]
                names, forms, values, offset = [], [], [], 0
                for n in range(1, count + 1):
                    form = header["TFORM%d" % n].strip()
                    repeat, code = re.fullmatch(r"(\d*)([A-Z])", form).groups()
                    repeat = int(repeat or 1)
                    size = {"K": 8, "J": 4, "D": 8, "E": 4, "L": 1, "A": 1}[code] * repeat
                    original = header.get("ONAME%d" % n)
                    names.append(unescape(original, header) if original is not None else header["TTYPE%d" % n])
                    forms.append(form)
                    null = header.get("TNULL%d" % n)
                    column = []
                    for r in range(rows):
                        cell = raw[start + r * width + offset:start + r * width + offset + size]
                        if code in "KJ":
                            value = struct.unpack(">q" if code == "K" else ">i", cell)[0]
                            column.append(None if value == null else value)
                        elif code in "DE":
                            column.append(real_bits(struct.unpack(">d" if code == "D" else ">f", cell)[0]))
                        elif code == "L":
                            column.append({b"T": True, b"F": False, b"\x00": None}[cell])
                        elif cell[:1] == b"\x00":
                            column.append(None)
                        else:
                            text = cell.split(b"\x00")[0].rstrip(b" ").decode("ascii")
                            column.append(unescape(text, header))
                    values.append(column)
                    offset += size
                if offset != width:
                    raise SystemExit("the TFORMs add up to %d bytes, NAXIS1 is %d" % (offset, width))
                tables.append({"name": unescape(header["EXTNAME"], header), "columns": names, "forms": forms,
                               "rows": rows, "values": values})
        json.dump(tables, sys.stdout, ensure_ascii=False)
        """#
}
