/// The shape of one exported table: its name, what it holds, and its ordered fields.
public struct TableSchema: Sendable, Equatable {
    /// The table name (`anomalies`, `objects`).
    public var name: String
    /// What the table holds, in a sentence (from `Schemas/`).
    public var description: String?
    /// The fields, in output order.
    public var fields: [Field]

    /// Creates a schema.
    public init(name: String, description: String? = nil, fields: [Field]) {
        self.name = name
        self.description = description
        self.fields = fields
    }

    /// The position of the field with this output name.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }

    /// The position of the field that plays `role`, if the table has one.
    public func index(of role: ColumnRole) -> Int? {
        fields.firstIndex { $0.role == role }
    }

    /// The positions of the fields that identify an alert row (``ColumnRole/alertKey``), or
    /// nil when the table lacks one of them.
    public var alertKey: [Int]? {
        let positions = ColumnRole.alertKey.compactMap { index(of: $0) }
        return positions.count == ColumnRole.alertKey.count ? positions : nil
    }
}
