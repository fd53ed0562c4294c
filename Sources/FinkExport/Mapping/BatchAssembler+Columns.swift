/// How the assembler adds columns as keys appear, and how it types the columns the
/// catalogue does not know once the first batch is complete.
extension BatchAssembler {
    @discardableResult
    func addSource(_ name: String) -> Int {
        let spec = mapper.catalogue[name]
        let planned = mapper.fields(forColumn: name)
        let slot = sources.count
        let kind: Kind
        if spec == nil {
            kind = .inferred(InferredColumn())
        } else if spec!.expandsFeatures && mapper.options.expandFeatures {
            kind = .features
        } else {
            kind = .scalar
        }
        let source = Source(name: name, kind: kind, firstField: fields.count, fieldCount: planned.count)
        for field in planned {
            fields.append(field)
            if case .inferred = kind {
                install(nil, at: nil)
            } else {
                install(ColumnBuilder(type: field.type, capacity: mapper.options.batchRows), at: nil)
            }
        }
        appendSlot(source)
        slotByName[name] = slot
        if name == mapper.objectIdColumn, spec?.type.storage == .text { objectIdSlot = slot }
        // Rows already in this batch did not have the column.
        for _ in 0 ..< rowsInBatch { appendMissing(slot: slot) }
        return slot
    }

    func appendSlot(_ source: Source) {
        let kind: Route.Kind
        switch source.kind {
        case .scalar: kind = .scalar
        case .features: kind = .features
        case .inferred: kind = .inferred
        }
        sources.append(source)
        routes.append(Route(kind: kind, firstField: source.firstField, fieldCount: source.fieldCount))
        stamps.appendSlot()
    }

    /// Sets the builder of output field `field`, or appends one when `field` is nil.
    func install(_ builder: ColumnBuilder?, at field: Int?) {
        let unmanaged = builder.map { Unmanaged.passUnretained($0) }
        if let field {
            builders[field] = builder
            fieldBuilders[field] = unmanaged
        } else {
            builders.append(builder)
            fieldBuilders.append(unmanaged)
        }
    }

    func appendMissing(slot: Int) {
        let route = routes[slot]
        switch route.kind {
        case .inferred:
            if case .inferred(let column) = sources[slot].kind { column.appendMissing() }
        case .scalar, .features:
            for field in route.firstField ..< route.firstField + route.fieldCount {
                fieldBuilders[field]!._withUnsafeGuaranteedRef { $0.appendMissing() }
            }
        }
    }

    /// Fixes the schema: each column the catalogue lacks gets the type its values so far
    /// allow, and the values held for it are replayed into a typed builder.
    func freeze() throws {
        for slot in sources.indices {
            guard case .inferred(let column) = sources[slot].kind else { continue }
            let type = column.inferredType()
            let source = sources[slot]
            let field = mapper.fields(forColumn: source.name, inferredType: type)[0]
            fields[source.firstField] = field
            let builder = ColumnBuilder(type: type, capacity: mapper.options.batchRows)
            if let (row, reason) = column.replay(into: builder) {
                throw MappingError.valueDoesNotFit(table: table.rawValue, row: stats.rows - rowsInBatch + row + 1,
                                                   objectId: nil, column: source.name, reason: reason)
            }
            install(builder, at: source.firstField)
            sources[slot].kind = .scalar
            routes[slot].kind = .scalar
            stats.inferredColumns.append(AnswerStats.InferredType(column: source.name, type: type))
        }
        schema = try mapper.schema(for: table, fields: fields)
    }
}
