/// One output column: its name as written, where it comes from, and what it holds.
public struct Field: Sendable, Equatable {
    /// Where a field's values come from.
    public enum Origin: Sendable, Equatable {
        /// A column described by the catalogue.
        case catalogue
        /// A column the catalogue does not know; its type was inferred from the data.
        case inferred
        /// Feature `index` of the feature string in `sourceName`.
        case feature(index: Int)
    }

    /// The column name in the output, after the name style is applied.
    public var name: String
    /// The Fink column the values come from (`d:lc_features_g` for an expanded feature).
    public var sourceName: String
    /// The value type.
    public var type: ColumnType
    /// The unit in VOUnit form.
    public var unit: String?
    /// The UCD1+ word list.
    public var ucd: String?
    /// A short description.
    public var description: String?
    /// Where the values come from.
    public var origin: Origin
    /// Whether every value is ASCII by construction (from the catalogue).
    public var asciiOnly: Bool

    /// Creates a field.
    public init(name: String, sourceName: String, type: ColumnType, unit: String? = nil,
                ucd: String? = nil, description: String? = nil, origin: Origin = .catalogue, asciiOnly: Bool = false) {
        self.name = name
        self.sourceName = sourceName
        self.type = type
        self.unit = unit
        self.ucd = ucd
        self.description = description
        self.origin = origin
        self.asciiOnly = asciiOnly
    }
}

/// The shape of one exported table: its name and ordered fields.
public struct TableSchema: Sendable, Equatable {
    /// The table name (`anomalies`, `objects`).
    public var name: String
    /// The fields, in output order.
    public var fields: [Field]

    /// Creates a schema.
    public init(name: String, fields: [Field]) {
        self.name = name
        self.fields = fields
    }

    /// The position of the field with this output name.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }
}
