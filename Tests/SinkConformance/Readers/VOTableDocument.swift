import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The tables of a VOTable document as XML holds them: each TABLE's name, its FIELDs, and
/// either its TABLEDATA cells as text (nil for an empty TD) or its BINARY2 base64 stream.
final class VOTableDocument: NSObject, XMLParserDelegate {
    struct FieldInfo {
        var name: String
        var datatype: String
        var arraysize: String?
    }

    enum Data {
        case none
        case tableData([[String?]])
        case binary2(base64: String)
    }

    struct Table {
        var name: String
        var fields: [FieldInfo] = []
        var data = Data.none
    }

    private(set) var tables: [Table] = []
    private var table: Table?
    private var rows: [[String?]] = []
    private var row: [String?] = []
    private var cell: String?
    private var stream: String?
    private var problem: String?

    /// Parses `data`; throws with the parser's message, or on an element this reader does not
    /// know how to decode (BINARY, FITS, a non-base64 STREAM).
    static func parse(_ data: Foundation.Data, file: URL) throws -> [Table] {
        let document = VOTableDocument()
        let parser = XMLParser(data: data)
        parser.delegate = document
        let parsed = parser.parse()
        if let problem = document.problem { throw ReaderError(file, problem) }
        guard parsed else { throw ReaderError(file, "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "unknown error")") }
        return document.tables
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "TABLE": table = Table(name: attributes["name"] ?? "")
        case "FIELD":
            table?.fields.append(FieldInfo(name: attributes["name"] ?? "", datatype: attributes["datatype"] ?? "",
                                           arraysize: attributes["arraysize"]))
        case "TABLEDATA": rows = []
        case "TR": row = []
        case "TD": cell = ""
        case "STREAM":
            if attributes["encoding"] != "base64" { fail("a STREAM not in base64") }
            stream = ""
        case "BINARY", "FITS": fail("\(name) serialization is not read by this reader")
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "TD":
            row.append(cell.flatMap { $0.isEmpty ? nil : $0 })
            cell = nil
        case "TR": rows.append(row)
        case "TABLEDATA": table?.data = .tableData(rows)
        case "STREAM":
            table?.data = .binary2(base64: stream ?? "")
            stream = nil
        case "TABLE":
            if let table { tables.append(table) }
            table = nil
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if cell != nil { cell! += string } else if stream != nil { stream! += string }
    }

    func parser(_ parser: XMLParser, foundCDATA block: Foundation.Data) {
        self.parser(parser, foundCharacters: String(decoding: block, as: UTF8.self))
    }

    private func fail(_ message: String) {
        if problem == nil { problem = message }
    }
}
