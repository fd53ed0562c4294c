import Foundation

/// The columns the API itself describes at `GET /api/v1/schema`: a JSON object of column
/// families (`"ZTF original fields (i:)"`, `"Fink science module outputs (d:)"`, …), each
/// mapping a name without its prefix to `{"type": …, "doc": …}`. Types are Avro's for the
/// `i:` family (`"double"`, `["null", "float"]`) and Fink's words for the others.
public struct LiveSchema: Sendable, Equatable {
    /// One column as the API describes it.
    public struct Column: Sendable, Equatable {
        /// The full name, prefix included (`d:new_thing`).
        public var name: String
        /// The type, when the schema's word is one fink-export knows.
        public var type: ColumnType?
        /// The schema's own type text (for messages).
        public var typeText: String
        /// The schema's description.
        public var doc: String

        /// Creates a column description.
        public init(name: String, type: ColumnType?, typeText: String, doc: String) {
            self.name = name
            self.type = type
            self.typeText = typeText
            self.doc = doc
        }
    }

    /// Every column, in the order of the answer (families, then names).
    public var columns: [Column]

    /// A schema that is not the shape the API publishes.
    public struct FormatError: Error, Equatable, Sendable, CustomStringConvertible {
        /// What was wrong.
        public var reason: String
        public var description: String { "the schema answer \(reason)" }
    }

    /// Creates a schema from its columns.
    public init(columns: [Column]) {
        self.columns = columns
    }

    /// Reads the API's answer.
    ///
    /// - Throws: ``FormatError`` for a body that is not a JSON object of families of columns.
    public init(json body: Data) throws {
        guard let object = try? JSONSerialization.jsonObject(with: body) else {
            throw FormatError(reason: FinkClient.looksLikeHTML(body) ? "is an HTML page, not JSON" : "is not JSON")
        }
        guard let families = object as? [String: Any] else { throw FormatError(reason: "is not a JSON object") }
        var columns: [Column] = []
        for familyName in families.keys.sorted() {
            guard let prefix = Self.prefix(ofFamily: familyName) else { continue }
            guard let members = families[familyName] as? [String: Any] else {
                throw FormatError(reason: "holds \(MessageText.shown(familyName)), which is not an object of columns")
            }
            for name in members.keys.sorted() {
                guard let entry = members[name] as? [String: Any], let rawType = entry["type"] else {
                    throw FormatError(reason: "describes \(MessageText.shown(prefix + name)) without a type")
                }
                let text = Self.typeText(rawType)
                columns.append(Column(name: prefix + name, type: Self.columnType(rawType), typeText: text,
                                      doc: (entry["doc"] as? String) ?? ""))
            }
        }
        guard !columns.isEmpty else { throw FormatError(reason: "names no column family such as \"… (i:)\"") }
        self.columns = columns
    }

    /// `i:` from `"ZTF original fields (i:)"`: the family's prefix, written at the end of its title.
    static func prefix(ofFamily title: String) -> String? {
        guard let open = title.lastIndex(of: "("), title.hasSuffix(":)") else { return nil }
        let letters = title[title.index(after: open) ..< title.index(title.endIndex, offsetBy: -1)]
        guard letters.count >= 2, letters.dropLast().allSatisfy(\.isLetter) else { return nil }
        return String(letters)
    }

    /// The type of an Avro-style type: a name, a union with `"null"`, or `{"type": "array", …}`.
    static func columnType(_ raw: Any) -> ColumnType? {
        if let name = raw as? String {
            switch name.lowercased() {
            case "double": return .double
            case "float": return .float
            case "int", "integer": return .int
            case "long", "bigint": return .long
            case "boolean", "bool": return .bool
            case "string", "str": return .string
            case "array": return .array
            default: return nil
            }
        }
        if let union = raw as? [Any] {
            let members = union.filter { ($0 as? String) != "null" }
            return members.count == 1 ? columnType(members[0]) : nil
        }
        if let complex = raw as? [String: Any], let name = complex["type"] as? String {
            return name == "array" ? .array : nil
        }
        return nil
    }

    static func typeText(_ raw: Any) -> String {
        if let name = raw as? String { return name }
        let data = (try? JSONSerialization.data(withJSONObject: raw, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
