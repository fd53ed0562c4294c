/// An RFC 4180 reader written for the tests, independent of the tool's own CSV reader.
enum CSVTestReader {
    /// Rows of fields; a field is nil when it was empty and unquoted.
    static func parse(_ text: String) -> [[String?]] {
        var rows: [[String?]] = []
        var row: [String?] = []
        var field = ""
        var quoted = false
        var wasQuoted = false
        var iterator = Array(text.unicodeScalars)[...]
        func endField() {
            row.append(field.isEmpty && !wasQuoted ? nil : field)
            field = ""
            wasQuoted = false
        }
        while let scalar = iterator.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if iterator.first == "\"" {
                        field.unicodeScalars.append("\"")
                        iterator.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true; wasQuoted = true
            case ",": endField()
            case "\r": continue
            case "\n":
                endField()
                rows.append(row)
                row = []
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            endField()
            rows.append(row)
        }
        return rows
    }
}
