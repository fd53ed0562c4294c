/// The built-in catalogue together with the API's own schema.
extension ColumnCatalogue {
    /// What merging a live schema changed.
    public struct LiveSchemaMerge: Sendable {
        /// The catalogue with the live schema's new columns.
        public var catalogue: ColumnCatalogue
        /// Columns only the live schema knows, added with its type and description.
        public var added: [String]
        /// Columns the live schema lists with a type fink-export does not know: not added.
        public var untyped: [String]
    }

    /// The catalogue plus every column only `live` knows. The catalogue keeps its own entries
    /// whole (units, UCDs, descriptions, and types: where Fink's storage and its schema doc
    /// disagree, the catalogue follows the storage). Cutouts (`b:`) are left out, as exports
    /// leave them out; a new column is returned by both endpoints, as all of the catalogue's are.
    public func merging(_ live: LiveSchema) -> LiveSchemaMerge {
        var columns = self.columns
        var added: [String] = [], untyped: [String] = []
        for column in live.columns where isLiveOnly(column.name) {
            guard let type = column.type else {
                untyped.append(column.name)
                continue
            }
            columns.append(ColumnSpec(name: column.name, type: type, description: column.doc))
            added.append(column.name)
        }
        let catalogue = ColumnCatalogue(version: version, columns: columns, features: features, tableDescriptions: tableDescriptions)
        return LiveSchemaMerge(catalogue: catalogue, added: added, untyped: untyped)
    }

    /// Whether a column the live schema lists is one the catalogue lacks (cutouts aside).
    private func isLiveOnly(_ name: String) -> Bool {
        self[name] == nil && !name.hasPrefix("b:")
    }

    /// How the catalogue and a live schema differ, as `fink-export columns --check` reports it.
    public struct SchemaDifference: Sendable {
        /// Columns only the live schema lists.
        public var added: [String]
        /// Columns only the catalogue lists (the API no longer describes them).
        public var removed: [String]
        /// Columns both list with different types: name, catalogue type, live type text.
        public var retyped: [(name: String, catalogue: ColumnType, live: String)]

        /// Whether the two agree.
        public var isEmpty: Bool { added.isEmpty && removed.isEmpty && retyped.isEmpty }
    }

    /// Columns whose type in Fink's storage (the catalogue's) differs from the schema's doc on
    /// purpose (`../shared/reference/fink-api.md` §5): `d:Plx` and `d:e_Plx` are stored as float
    /// and documented as double, `d:spicy_id` is stored as int and documented as string.
    public static let documentedSchemaDisagreements: Set<String> = ["d:Plx", "d:e_Plx", "d:spicy_id"]

    /// The columns added, removed and retyped in `live` against this catalogue (cutouts and
    /// the row kind, which the schema does not describe, are not compared). `knownDifferences`
    /// are type disagreements the catalogue documents on purpose (storage against the schema doc).
    public func difference(from live: LiveSchema,
                           knownDifferences: Set<String> = ColumnCatalogue.documentedSchemaDisagreements) -> SchemaDifference {
        let liveNames = Set(live.columns.map(\.name))
        let added = live.columns.map(\.name).filter(isLiveOnly)
        let removed = columns.map(\.name).filter { !liveNames.contains($0) && !$0.hasPrefix("b:") && self[$0]?.role != .rowKind }
        var retyped: [(name: String, catalogue: ColumnType, live: String)] = []
        for column in live.columns {
            guard let spec = self[column.name], !knownDifferences.contains(column.name) else { continue }
            if spec.type != column.type { retyped.append((column.name, spec.type, column.typeText)) }
        }
        return SchemaDifference(added: added, removed: removed, retyped: retyped)
    }
}
