/// Writes rows the way the Fink API's pandas does: JSON records (`to_json(orient="records")`)
/// or CSV (`to_csv(index=False)`).
enum ResponseEncoding {
    struct Table {
        var names: [String]
        var rows: [[StandinValue]]
    }

    // MARK: JSON

    static func json(_ table: Table, stringColumns: Set<Int>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(table.rows.count * table.names.count * 14 + 2)
        let keys = table.names.map { name -> [UInt8] in
            var key: [UInt8] = []
            appendJSONString(name, to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
        out.append(UInt8(ascii: "["))
        for (rowIndex, row) in table.rows.enumerated() {
            if rowIndex > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            for (index, value) in row.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: keys[index])
                if value == .missing && stringColumns.contains(index) {
                    appendJSONMissingString(to: &out)
                } else {
                    appendJSON(value, to: &out)
                }
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    static func appendJSON(_ value: StandinValue, to out: inout [UInt8]) {
        switch value {
        case .missing: out.append(contentsOf: "null".utf8)
        case .integer(let v): out.append(contentsOf: String(v).utf8)
        case .real(let v): out.append(contentsOf: NumberText.pandas(v).utf8)
        case .bool(let v): out.append(contentsOf: (v ? "true" : "false").utf8)
        case .text(let s), .numericText(let s): appendJSONString(s, to: &out)
        case .features(let list): appendJSONString(featureString(list), to: &out)
        }
    }

    /// The missing-string rule of pandas < 3: a missing string cell is the text `nan`.
    static func appendJSONMissingString(to out: inout [UInt8]) {
        out.append(contentsOf: "\"nan\"".utf8)
    }

    /// ujson style: `/` escaped as `\/` (unless `escapeSlash` is false, as in Flask's own
    /// messages), non-ASCII as `\uXXXX` (surrogate pairs above the BMP).
    static func appendJSONString(_ string: String, to out: inout [UInt8], escapeSlash: Bool = true) {
        out.append(UInt8(ascii: "\""))
        for unit in string.utf16 {
            switch unit {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x2F where escapeSlash: out.append(contentsOf: [0x5C, 0x2F])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x20 ..< 0x7F: out.append(UInt8(unit))
            default:
                let hex = String(unit, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Spark's cast of the feature array to a string.
    static func featureString(_ list: FeatureList) -> String {
        switch list {
        case .empty: return "[]"
        case .allNull: return "[" + Array(repeating: "null", count: 26).joined(separator: ", ") + "]"
        case .values(let values): return "[" + values.map(NumberText.java).joined(separator: ", ") + "]"
        }
    }

    // MARK: CSV

    static func csv(_ table: Table, stringColumns: Set<Int>) -> [UInt8] {
        if table.rows.isEmpty && table.names.isEmpty { return [0x0A] }
        var out: [UInt8] = []
        out.append(contentsOf: table.names.map(csvField).joined(separator: ",").utf8)
        out.append(0x0A)
        for row in table.rows {
            var fields: [String] = []
            fields.reserveCapacity(row.count)
            for (index, value) in row.enumerated() {
                switch value {
                case .missing: fields.append(stringColumns.contains(index) ? "nan" : "")
                case .integer(let v): fields.append(String(v))
                case .real(let v): fields.append(v.description)
                case .bool(let v): fields.append(v ? "True" : "False")
                case .text(let s), .numericText(let s): fields.append(csvField(s))
                case .features(let list): fields.append(csvField(featureString(list)))
                }
            }
            out.append(contentsOf: fields.joined(separator: ",").utf8)
            out.append(0x0A)
        }
        return out
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
