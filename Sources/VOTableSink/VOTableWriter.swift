import FinkExport
import Foundation
import SinkSupport

/// Streams tables into one VOTable document.
final class VOTableWriter: TableWriter {
    private struct Column {
        let datatype: String
        let isText: Bool
    }

    private let destination: SinkDestination
    private let binary: Bool
    private let output: ByteOutput
    private var ids = Set<String>()
    private var schema: TableSchema?
    private var columns: [Column] = []
    private var rows = 0
    private var base64 = Base64Stream()
    private var replacedCharacters = 0
    /// By column, empty strings written to TABLEDATA, where an empty cell reads as null.
    private var emptyStrings: [Int] = []

    init(destination: SinkDestination, binary: Bool) throws {
        self.destination = destination
        self.binary = binary
        output = try ByteOutput(url: destination.stagingURL, displayPath: destination.finalURL.path, gzip: false)
        try output.write("""
            <?xml version="1.0" encoding="UTF-8"?>
            <VOTABLE version="1.4" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.ivoa.net/xml/VOTable/v1.3" xsi:schemaLocation="http://www.ivoa.net/xml/VOTable/v1.3 http://www.ivoa.net/xml/VOTable/v1.3">
            <RESOURCE type="results">
            <DESCRIPTION>Fink anomaly data exported by fink-export</DESCRIPTION>

            """)
    }

    func beginTable(_ schema: TableSchema) throws {
        // Written as U+FFFD, such a name would read back as another one.
        if let bad = schema.fields.first(where: { $0.name.unicodeScalars.contains(where: XMLText.isForbidden) }) {
            throw SinkError.columnNameNotHeld(format: "votable", column: bad.name,
                                              reason: "it contains a control character that XML 1.0 cannot carry")
        }
        self.schema = schema
        rows = 0
        replacedCharacters = 0
        emptyStrings = Array(repeating: 0, count: schema.fields.count)
        columns = schema.fields.map { field in
            let datatype: String
            switch field.storage {
            case .real: datatype = field.bitWidth == 32 ? "float" : "double"
            case .integer: datatype = field.bitWidth == 32 ? "int" : "long"
            case .boolean: datatype = "boolean"
            case .text: datatype = field.asciiOnly ? "char" : "unicodeChar"
            }
            return Column(datatype: datatype, isText: field.storage == .text)
        }
        var head = "<TABLE ID=\"\(uniqueID(schema.name))\" name=\"\(XMLText.attribute(schema.name))\">\n"
        if let description = schema.description { head += "<DESCRIPTION>\(XMLText.content(description))</DESCRIPTION>\n" }
        for (field, column) in zip(schema.fields, columns) {
            head += VOTableField.element(for: field, datatype: column.datatype, isText: column.isText,
                                         id: uniqueID(schema.name + "_" + field.name))
        }
        head += binary ? "<DATA><BINARY2><STREAM encoding=\"base64\">\n" : "<DATA><TABLEDATA>\n"
        try output.write(head)
    }

    func write(_ batch: RecordBatch) throws {
        if binary {
            try writeBinary(batch)
        } else {
            try writeTableData(batch)
        }
        rows += batch.rowCount
    }

    func endTable() throws -> TableWriteReport {
        guard schema != nil else { throw SinkError.callOrder("endTable before beginTable") }
        if binary {
            try base64.flush(to: output, final: true)
            try output.write("\n</STREAM></BINARY2></DATA>\n")
        } else {
            try output.write("</TABLEDATA></DATA>\n")
        }
        try output.write("<INFO name=\"rows\" value=\"\(rows)\"/>\n</TABLE>\n")
        var report = TableWriteReport()
        for (index, count) in emptyStrings.enumerated() where count > 0 {
            report.unrepresentableAsNull[schema!.fields[index].name] = count
        }
        if replacedCharacters > 0 {
            report.warnings.append(
                "\(replacedCharacters) control character(s) that XML 1.0 cannot carry were written as U+FFFD (the binary2 encoding keeps them)")
        }
        self.schema = nil
        return report
    }

    func finish(provenance: Provenance) throws {
        let infos = provenance.entries
        var tail = ""
        for (name, value) in infos {
            tail += "<INFO name=\"\(XMLText.attribute(name))\" value=\"\(XMLText.attribute(value))\"/>\n"
        }
        tail += "</RESOURCE>\n</VOTABLE>\n"
        try output.write(tail)
        try output.close()
    }

    func close() {
        output.discard()
    }

    // MARK: Rows

    private func writeTableData(_ batch: RecordBatch) throws {
        for row in 0 ..< batch.rowCount {
            try output.append { out in
                out.append(contentsOf: Self.rowStart)
                for (index, column) in batch.columns.enumerated() {
                    guard column.isValid(row) else {
                        // An empty cell is null for every type (VOTable 1.3+); floats say NaN.
                        if case .real = column.values { out.append(contentsOf: Self.nanCell) } else { out.append(contentsOf: Self.emptyCell) }
                        continue
                    }
                    out.append(contentsOf: Self.cellStart)
                    switch column.values {
                    case .real(let values):
                        Self.appendReal(values[row], float: columns[index].datatype == "float", to: &out)
                    case .integer(let values):
                        TextFormatting.appendInteger(values[row], to: &out)
                    case .boolean(let values):
                        out.append(values[row] ? UInt8(ascii: "T") : UInt8(ascii: "F"))
                    case .text(let text):
                        // TABLEDATA cannot tell an empty string from null: it reads as null.
                        if text.range(of: row).isEmpty { emptyStrings[index] += 1 }
                        let replaced = text.withBytes(of: row) { XMLText.appendEscaped($0, inAttribute: false, to: &out) }
                        replacedCharacters += replaced
                    }
                    out.append(contentsOf: Self.cellEnd)
                }
                out.append(contentsOf: Self.rowEnd)
            }
        }
    }

    private static func appendReal(_ value: Double, float: Bool, to out: inout [UInt8]) {
        if value.isInfinite {
            out.append(contentsOf: value > 0 ? Array("+Inf".utf8) : Array("-Inf".utf8))
        } else if float {
            var text = Float(value).description
            text.withUTF8 { out.append(contentsOf: $0) }
        } else {
            TextFormatting.appendDouble(value, to: &out)
        }
    }

    /// How a column's cells are encoded in BINARY2, decided once from its datatype.
    private enum BinaryCell {
        case float, double, int, long, boolean, char, unicodeChar

        /// The bytes of a cell, less a text's characters (after its 4-byte count).
        var fixedWidth: Int {
            switch self {
            case .float, .int, .char, .unicodeChar: 4
            case .double, .long: 8
            case .boolean: 1
            }
        }
    }

    private func binaryCells() -> [BinaryCell] {
        columns.map { column in
            switch column.datatype {
            case "float": .float
            case "double": .double
            case "int": .int
            case "long": .long
            case "boolean": .boolean
            case "char": .char
            default: .unicodeChar
            }
        }
    }

    private func writeBinary(_ batch: RecordBatch) throws {
        let cells = binaryCells()
        for rows in TextCellGrid.slices(of: batch.rowCount) {
            try writeBinary(batch, rows: rows, cells: cells)
        }
    }

    /// Writes `rows` of `batch` as BINARY2 rows, a column at a time: each row's length is
    /// found first, then every column's cells are stored at their row's cursor. Row by row,
    /// every cell switched on its column's values and retained them (a third of the step).
    private func writeBinary(_ batch: RecordBatch, rows: Range<Int>, cells: [BinaryCell]) throws {
        let flagBytes = (columns.count + 7) / 8
        var lengths = [Int](repeating: flagBytes + cells.reduce(0) { $0 + $1.fixedWidth }, count: rows.count)
        for (index, column) in batch.columns.enumerated() {
            guard case .text(let text) = column.values else { continue }
            for (k, row) in rows.enumerated() where column.isValid(row) {
                if cells[index] == .char {
                    try text.withBytes(of: row) { bytes in
                        guard bytes.allSatisfy({ $0 < 0x80 }) else {
                            throw SinkError.valueNotHeld(format: "votable", table: batch.schema.name, column: batch.schema.fields[index].name,
                                                         value: String(decoding: bytes.prefix(40), as: UTF8.self),
                                                         reason: "is not ASCII, which this VOTable char column requires")
                        }
                        lengths[k] += bytes.count
                    }
                } else {
                    lengths[k] += 2 * text[row].utf16.count
                }
            }
        }
        var cursors: [Int] = []
        cursors.reserveCapacity(rows.count)
        var total = 0
        for length in lengths {
            cursors.append(total)
            total += length
        }
        let starts = cursors
        var bytes = [UInt8](repeating: 0, count: total)
        bytes.withUnsafeMutableBytes { raw in
            cursors.withUnsafeMutableBufferPointer { cursors in
                let base = raw.baseAddress!
                // Null flags first: one bit per column, the first column the highest bit.
                for (index, column) in batch.columns.enumerated() {
                    guard let validity = column.validity else { continue }
                    let flag = UInt8(0x80) >> UInt8(index % 8)
                    for (k, row) in rows.enumerated() where !validity[row] {
                        base.storeBytes(of: base.load(fromByteOffset: cursors[k] + index / 8, as: UInt8.self) | flag,
                                        toByteOffset: cursors[k] + index / 8, as: UInt8.self)
                    }
                }
                for k in 0 ..< cursors.count { cursors[k] += flagBytes }
                for (index, column) in batch.columns.enumerated() {
                    let validity = column.validity
                    switch column.values {
                    case .real(let values):
                        if cells[index] == .float {
                            for (k, row) in rows.enumerated() {
                                let value = validity?[row] ?? true ? values[row] : .nan
                                base.storeBytes(of: Float(value).bitPattern.bigEndian, toByteOffset: cursors[k], as: UInt32.self)
                                cursors[k] += 4
                            }
                        } else {
                            for (k, row) in rows.enumerated() {
                                let value = validity?[row] ?? true ? values[row] : .nan
                                base.storeBytes(of: value.bitPattern.bigEndian, toByteOffset: cursors[k], as: UInt64.self)
                                cursors[k] += 8
                            }
                        }
                    case .integer(let values):
                        // A null stays the zero the buffer starts with.
                        if cells[index] == .int {
                            for (k, row) in rows.enumerated() {
                                if validity?[row] ?? true {
                                    let value = UInt32(bitPattern: Int32(truncatingIfNeeded: values[row]))
                                    base.storeBytes(of: value.bigEndian, toByteOffset: cursors[k], as: UInt32.self)
                                }
                                cursors[k] += 4
                            }
                        } else {
                            for (k, row) in rows.enumerated() {
                                if validity?[row] ?? true {
                                    base.storeBytes(of: UInt64(bitPattern: values[row]).bigEndian, toByteOffset: cursors[k], as: UInt64.self)
                                }
                                cursors[k] += 8
                            }
                        }
                    case .boolean(let values):
                        for (k, row) in rows.enumerated() {
                            let byte = validity?[row] ?? true ? (values[row] ? UInt8(ascii: "T") : UInt8(ascii: "F")) : UInt8(ascii: "?")
                            base.storeBytes(of: byte, toByteOffset: cursors[k], as: UInt8.self)
                            cursors[k] += 1
                        }
                    case .text(let text):
                        // The count (zero for a null), then ASCII bytes or UTF-16 big-endian units.
                        for (k, row) in rows.enumerated() {
                            guard validity?[row] ?? true else {
                                cursors[k] += 4
                                continue
                            }
                            if cells[index] == .char {
                                text.withBytes(of: row) { source in
                                    base.storeBytes(of: UInt32(source.count).bigEndian, toByteOffset: cursors[k], as: UInt32.self)
                                    if !source.isEmpty {
                                        (base + cursors[k] + 4).copyMemory(from: source.baseAddress!, byteCount: source.count)
                                    }
                                    cursors[k] += 4 + source.count
                                }
                            } else {
                                let units = text[row].utf16
                                base.storeBytes(of: UInt32(units.count).bigEndian, toByteOffset: cursors[k], as: UInt32.self)
                                var at = cursors[k] + 4
                                for unit in units {
                                    base.storeBytes(of: unit.bigEndian, toByteOffset: at, as: UInt16.self)
                                    at += 2
                                }
                                cursors[k] = at
                            }
                        }
                    }
                }
            }
        }
        precondition(zip(cursors, zip(starts, lengths)).allSatisfy { $0 == $1.0 + $1.1 }, "every row filled to its length")
        base64.append(bytes)
        try base64.flush(to: output, final: false)
    }

    /// A document-wide unique XML ID derived from `name`.
    private func uniqueID(_ name: String) -> String {
        let base = XMLText.ncName(name)
        var candidate = base
        var suffix = 2
        while ids.contains(candidate) {
            candidate = "\(base)_\(suffix)"
            suffix += 1
        }
        ids.insert(candidate)
        return candidate
    }

    private static let rowStart = Array("<TR>".utf8)
    private static let rowEnd = Array("</TR>\n".utf8)
    private static let cellStart = Array("<TD>".utf8)
    private static let cellEnd = Array("</TD>".utf8)
    private static let emptyCell = Array("<TD/>".utf8)
    private static let nanCell = Array("<TD>NaN</TD>".utf8)
}
