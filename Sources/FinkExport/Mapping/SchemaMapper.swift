/// Decides the output columns: which Fink columns, in what order, with what types and names,
/// and how feature strings expand.
public struct SchemaMapper: Sendable {
    /// The catalogue the types, units and descriptions come from.
    public let catalogue: ColumnCatalogue
    /// The mapping options.
    public let options: MappingOptions
    /// The column every table needs (the catalogue's ``ColumnRole/objectId``): the objects
    /// step is keyed by it.
    public let objectIdColumn: String?

    /// Creates a mapper, checking the requested columns.
    ///
    /// - Throws: ``MappingError`` for an empty, repeated or unexportable column name.
    public init(catalogue: ColumnCatalogue = .builtin, options: MappingOptions = MappingOptions()) throws {
        self.catalogue = catalogue
        let objectIdColumn = catalogue.column(withRole: .objectId)?.name
        self.objectIdColumn = objectIdColumn
        var options = options
        if let requested = options.columns {
            var seen = Set<String>()
            for name in requested {
                guard !name.isEmpty else { throw MappingError.emptyColumnName }
                guard seen.insert(name).inserted else { throw MappingError.repeatedColumn(name) }
                if name.hasPrefix("v:") { throw MappingError.derivedColumn(name) }
                if name.hasPrefix("b:") { throw MappingError.cutoutColumn(name) }
            }
            // Rows without their object id cannot be related to anything; keep it first.
            if let objectIdColumn, !seen.contains(objectIdColumn) { options.columns = [objectIdColumn] + requested }
        }
        self.options = options
    }

    /// The `columns` argument for the API: nil asks for every column.
    public var requestColumns: [String]? { options.columns }

    /// The Fink columns a table starts with, in output order, before the data adds any.
    public func plannedColumns(for table: ExportTable) -> [String] {
        var planned = options.columns ?? catalogue.defaultColumns(for: table.endpoint).map(\.name)
        // Every objects row then says what it is; the API adds the column whatever was asked.
        if table == .objects, options.withUpperLimits, let kind = catalogue.column(withRole: .rowKind)?.name,
           !planned.contains(kind) {
            planned.append(kind)
        }
        return planned
    }

    /// The output fields (names not yet styled) of one Fink column.
    ///
    /// - Parameters:
    ///   - name: the Fink column name.
    ///   - inferredType: the type found in the data, for a column the catalogue lacks.
    public func fields(forColumn name: String, inferredType: ColumnType? = nil) -> [Field] {
        guard let spec = catalogue[name] else {
            return [Field(name: name, sourceName: name, type: inferredType ?? .string, origin: .inferred)]
        }
        if spec.expandsFeatures && options.expandFeatures {
            let band = spec.band.map { "\($0) band: " } ?? ""
            return catalogue.features.enumerated().map { index, feature in
                Field(name: "\(name)_\(feature.name)", sourceName: name, type: .double, unit: feature.unit,
                      ucd: feature.ucd, description: band + feature.description, origin: .feature(index: index))
            }
        }
        return [Field(name: name, sourceName: name, type: spec.type, unit: spec.unit, ucd: spec.ucd,
                      description: spec.description, origin: .catalogue, asciiOnly: spec.asciiOnly, role: spec.role)]
    }

    /// Applies the name style to `fields` and returns the table schema.
    ///
    /// - Throws: ``MappingError`` naming both columns when two fields end up with one name.
    public func schema(for table: ExportTable, fields: [Field]) throws -> TableSchema {
        var styled = fields
        var owner: [String: String] = [:]
        for index in styled.indices {
            let name = options.nameStyle.apply(to: styled[index].name)
            if let first = owner[name] {
                throw MappingError.nameCollision(first: first, second: styled[index].name, name: name)
            }
            owner[name] = styled[index].name
            styled[index].name = name
        }
        return TableSchema(name: table.rawValue, description: catalogue.tableDescriptions[table.rawValue], fields: styled)
    }
}
