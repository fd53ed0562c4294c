/// The column catalogue: every documented Fink column and the feature layout.
///
/// The built-in catalogue is generated at build time from `Schemas/` (see `Plugins/`).
public struct ColumnCatalogue: Sendable {
    /// The catalogue's version, recorded in every output's provenance.
    public let version: String
    /// All columns, in catalogue order.
    public let columns: [ColumnSpec]
    /// The features of a feature string, in the order the API packs them.
    public let features: [FeatureSpec]
    /// What each table holds, by table name.
    public let tableDescriptions: [String: String]
    private let indexByName: [String: Int]

    /// Creates a catalogue from its parts.
    public init(version: String, columns: [ColumnSpec], features: [FeatureSpec], tableDescriptions: [String: String] = [:]) {
        self.version = version
        self.columns = columns
        self.features = features
        self.tableDescriptions = tableDescriptions
        var index: [String: Int] = [:]
        for (position, column) in columns.enumerated() { index[column.name] = position }
        self.indexByName = index
    }

    /// The catalogue compiled into this binary.
    public static let builtin = ColumnCatalogue(
        version: builtinSchemaVersion, columns: builtinColumns, features: builtinFeatures,
        tableDescriptions: builtinTableDescriptions)

    /// The entry for a column name, if Fink documents it.
    public subscript(name: String) -> ColumnSpec? {
        indexByName[name].map { columns[$0] }
    }

    /// The column that plays `role`, if any.
    public func column(withRole role: ColumnRole) -> ColumnSpec? {
        columns.first { $0.role == role }
    }

    /// The columns a full (no `columns` argument) request to `endpoint` returns, in catalogue
    /// order. Cutouts (`b:`) and the row kind (`d:tag`) appear only on request, so they are not included.
    public func defaultColumns(for endpoint: FinkEndpoint) -> [ColumnSpec] {
        columns.filter { spec in
            spec.endpoints.contains(endpoint) && spec.namespace != "b" && spec.role != .rowKind
        }
    }
}
