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
    private var scratch: [UInt8] = []

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
        let flagBytes = (columns.count + 7) / 8
        let cells = binaryCells()
        // The row bytes in a local: a property is checked for exclusive access on every append.
        var scratch: [UInt8] = []
        swap(&scratch, &self.scratch)
        defer { swap(&scratch, &self.scratch) }
        for row in 0 ..< batch.rowCount {
            let start = scratch.count
            scratch.append(contentsOf: repeatElement(0, count: flagBytes))
            for (index, column) in batch.columns.enumerated() {
                let valid = column.isValid(row)
                if !valid { scratch[start + index / 8] |= 0x80 >> UInt8(index % 8) }
                switch column.values {
                case .real(let values):
                    let value = valid ? values[row] : .nan
                    if cells[index] == .float {
                        Self.appendBigEndian(Float(value).bitPattern, to: &scratch)
                    } else {
                        Self.appendBigEndian(value.bitPattern, to: &scratch)
                    }
                case .integer(let values):
                    let value = valid ? values[row] : 0
                    if cells[index] == .int {
                        Self.appendBigEndian(UInt32(bitPattern: Int32(truncatingIfNeeded: value)), to: &scratch)
                    } else {
                        Self.appendBigEndian(UInt64(bitPattern: value), to: &scratch)
                    }
                case .boolean(let values):
                    scratch.append(valid ? (values[row] ? UInt8(ascii: "T") : UInt8(ascii: "F")) : UInt8(ascii: "?"))
                case .text(let text):
                    guard valid else {
                        Self.appendBigEndian(UInt32(0), to: &scratch)
                        continue
                    }
                    if cells[index] == .char {
                        try text.withBytes(of: row) { bytes in
                            guard bytes.allSatisfy({ $0 < 0x80 }) else {
                                throw SinkError.valueNotHeld(format: "votable", table: batch.schema.name, column: batch.schema.fields[index].name,
                                                             value: String(decoding: bytes.prefix(40), as: UTF8.self),
                                                             reason: "is not ASCII, which this VOTable char column requires")
                            }
                            Self.appendBigEndian(UInt32(bytes.count), to: &scratch)
                            scratch.append(contentsOf: bytes)
                        }
                    } else {
                        // unicodeChar: UTF-16 big-endian code units, counted in units.
                        let units = Array(text[row].utf16)
                        Self.appendBigEndian(UInt32(units.count), to: &scratch)
                        for unit in units { Self.appendBigEndian(unit, to: &scratch) }
                    }
                }
            }
            if scratch.count >= 1 << 16 {
                base64.append(scratch)
                scratch.removeAll(keepingCapacity: true)
                try base64.flush(to: output, final: false)
            }
        }
        base64.append(scratch)
        scratch.removeAll(keepingCapacity: true)
        try base64.flush(to: output, final: false)
    }

    @inline(__always)
    private static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        var big = value.bigEndian
        withUnsafeBytes(of: &big) { out.append(contentsOf: $0) }
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
