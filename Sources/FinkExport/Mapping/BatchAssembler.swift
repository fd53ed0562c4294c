/// Turns the records of one table, as readers walk them, into typed ``RecordBatch``es.
///
/// It is the ``RecordHandler`` both the JSON and the CSV reader feed: every value is
/// converted to its column's type on the way in, feature strings are expanded, absent keys
/// become nulls, and a full batch is handed to `emit` so memory stays bounded.
///
/// The table's columns are fixed when its first batch is emitted: columns the catalogue does
/// not know get their type from the values of that batch (with one warning each).
public final class BatchAssembler: RecordHandler {
    /// What happened while reading one response.
    public struct ResponseStats: Sendable, Equatable {
        /// Rows in the response.
        public var rows = 0
        /// Rows per object id, in first-seen order.
        public var rowsPerObject: [(objectId: String, rows: Int)] = []

        /// Equal when the row counts and the per-object counts, in order, are equal.
        public static func == (lhs: ResponseStats, rhs: ResponseStats) -> Bool {
            lhs.rows == rhs.rows && lhs.rowsPerObject.elementsEqual(rhs.rowsPerObject) { $0 == $1 }
        }
    }

    private enum Kind {
        case scalar
        case features
        case inferred(InferredColumn)
    }

    private struct Source {
        let name: String
        var kind: Kind
        let firstField: Int
        var fieldCount: Int
    }

    /// Where a slot's values go, in trivial fields only: the per-value path reads this
    /// rather than ``Source``, whose string and class payload would be retained per value.
    private struct Route {
        enum Kind { case scalar, features, inferred }
        var kind: Kind
        let firstField: Int
        let fieldCount: Int
    }

    /// The table being assembled.
    public let table: ExportTable
    private let mapper: SchemaMapper
    private let emit: (RecordBatch) throws -> Void
    private let featureCount: Int

    @exclusivity(unchecked) private var sources: [Source] = []
    @exclusivity(unchecked) private var routes: [Route] = []
    private var slotByName: [String: Int] = [:]
    private var fields: [Field] = []
    /// One builder per output field (nil for a column whose type is still being inferred).
    @exclusivity(unchecked) private var builders: [ColumnBuilder?] = []
    /// The same builders, unretained, for the per-value path; `builders` keeps them alive.
    @exclusivity(unchecked) private var fieldBuilders: [Unmanaged<ColumnBuilder>?] = []
    private let stamps = RowStamps()
    private var objectIdSlot: Int?
    @exclusivity(unchecked) private var featureScratch: [Double] = []

    @exclusivity(unchecked) private var rowsInBatch = 0
    @exclusivity(unchecked) private var pendingProblem: (column: String, message: String)?
    @exclusivity(unchecked) private var response = ResponseStats()
    @exclusivity(unchecked) private var rowsByObjectInResponse: [String: Int] = [:]

    /// The schema, once the first batch has fixed it.
    public private(set) var schema: TableSchema?
    /// Rows accepted so far.
    @exclusivity(unchecked) public private(set) var rowCount = 0
    /// Distinct object ids in first-seen order.
    public private(set) var objectIds: [String] = []
    private var seenObjectIds = Set<String>()
    /// One-line warnings for the user (columns with inferred types).
    public private(set) var warnings: [String] = []
    /// With lenient mapping: how many values of each column did not fit and became null.
    public private(set) var lenientNulls: [String: Int] = [:]

    /// A table's columns once they are fixed: what another assembler needs to read more
    /// responses of the same table, on another thread.
    public struct Plan: Sendable {
        fileprivate let table: ExportTable
        fileprivate let mapper: SchemaMapper
        fileprivate let schema: TableSchema
        fileprivate let fields: [Field]
        fileprivate let sources: [(name: String, expands: Bool, firstField: Int, fieldCount: Int)]
        fileprivate let objectIdSlot: Int?
    }

    /// The table's plan, once its columns are fixed (see ``fixColumns()``).
    public var plan: Plan? {
        guard let schema else { return nil }
        return Plan(table: table, mapper: mapper, schema: schema, fields: fields,
                    sources: sources.map { source in
                        if case .features = source.kind { return (source.name, true, source.firstField, source.fieldCount) }
                        return (source.name, false, source.firstField, source.fieldCount)
                    },
                    objectIdSlot: objectIdSlot)
    }

    /// Creates an assembler that continues a table whose columns `plan` fixed: a key the plan
    /// does not have is an error, as in the original.
    public init(plan: Plan, emit: @escaping (RecordBatch) throws -> Void) {
        self.table = plan.table
        self.mapper = plan.mapper
        self.emit = emit
        self.featureCount = plan.mapper.catalogue.features.count
        self.schema = plan.schema
        self.fields = plan.fields
        self.objectIdSlot = plan.objectIdSlot
        for (slot, source) in plan.sources.enumerated() {
            appendSlot(Source(name: source.name, kind: source.expands ? .features : .scalar,
                              firstField: source.firstField, fieldCount: source.fieldCount))
            slotByName[source.name] = slot
        }
        for field in plan.fields {
            install(ColumnBuilder(type: field.type, capacity: plan.mapper.options.batchRows), at: nil)
        }
    }

    /// Emits the rows so far and fixes the table's columns, so further responses can be read
    /// in parallel through ``plan``.
    public func fixColumns() throws {
        if schema == nil { try flush() }
    }

    /// Counts rows and lenient nulls that another assembler, continuing this table, read.
    public func absorb(rows: Int, lenientNulls: [String: Int]) {
        rowCount += rows
        for (column, count) in lenientNulls { self.lenientNulls[column, default: 0] += count }
    }

    /// Creates an assembler for `table`; `emit` receives each full batch in order.
    public init(table: ExportTable, mapper: SchemaMapper, emit: @escaping (RecordBatch) throws -> Void) {
        self.table = table
        self.mapper = mapper
        self.emit = emit
        self.featureCount = mapper.catalogue.features.count
        for name in mapper.plannedColumns(for: table) {
            addSource(name)
        }
    }

    // MARK: Responses

    /// Starts counting a new response's rows per object.
    public func beginResponse() {
        response = ResponseStats()
        rowsByObjectInResponse.removeAll(keepingCapacity: true)
    }

    /// Ends the current response and returns its counts.
    public func endResponse() -> ResponseStats {
        var stats = response
        stats.rowsPerObject = stats.rowsPerObject.map { ($0.objectId, rowsByObjectInResponse[$0.objectId] ?? 0) }
        return stats
    }

    /// Emits the last partial batch and returns the table's final schema.
    @discardableResult
    public func finish() throws -> TableSchema {
        if rowsInBatch > 0 || schema == nil {
            try flush()
        }
        return schema!
    }

    // MARK: RecordHandler

    /// Starts a record.
    public func beginRecord() throws {
        pendingProblem = nil
    }

    /// The slot of a key; a key first seen after the columns were fixed is an error.
    public func slot(forKey key: UnsafeBufferPointer<UInt8>) throws -> Int {
        let name = String(decoding: key, as: UTF8.self)
        if let slot = slotByName[name] { return slot }
        guard schema == nil else {
            throw MappingError("\(table.rawValue): column \(MessageText.shown(name)) appears in the data after the table's columns were fixed by its first rows; name it with --columns to export it")
        }
        return addSource(name)
    }

    /// Converts and appends one value of the current record.
    public func value(_ cell: Cell, slot: Int) throws {
        guard stamps[slot] != rowCount else {
            throw MappingError("\(table.rawValue) row \(rowCount + 1): the record holds the key \(MessageText.shown(sources[slot].name)) twice")
        }
        stamps[slot] = rowCount
        let route = routes[slot]
        switch route.kind {
        case .scalar:
            let builder = fieldBuilders[route.firstField]!
            if let reason = builder._withUnsafeGuaranteedRef({ $0.append(cell) }) {
                let type = builder._withUnsafeGuaranteedRef { $0.type }
                try problem(in: sources[slot].name, "value \(ValueConversion.preview(cell)) \(reason) (column type \(type.rawValue))")
                builder._withUnsafeGuaranteedRef { $0.appendMissing() }
            }
        case .inferred:
            if case .inferred(let column) = sources[slot].kind { column.append(cell) }
        case .features:
            try appendFeatures(cell, route: route, slot: slot)
        }
    }

    /// Completes the record: absent keys become nulls, a pending problem is thrown.
    public func endRecord() throws {
        for slot in 0 ..< stamps.count where stamps[slot] != rowCount {
            appendMissing(slot: slot)
        }
        let objectId = objectIdSlot.flatMap { builders[sources[$0].firstField]?.lastText }
        if let problem = pendingProblem {
            let label = objectId.map { " (object \(MessageText.shown($0)))" } ?? ""
            throw MappingError("\(table.rawValue) row \(rowCount + 1)\(label), column \(MessageText.shown(problem.column)): \(problem.message)")
        }
        if let objectId {
            if let count = rowsByObjectInResponse[objectId] {
                rowsByObjectInResponse[objectId] = count + 1
            } else {
                rowsByObjectInResponse[objectId] = 1
                response.rowsPerObject.append((objectId, 0))
            }
            if seenObjectIds.insert(objectId).inserted { objectIds.append(objectId) }
        }
        response.rows += 1
        rowCount += 1
        rowsInBatch += 1
        if rowsInBatch >= mapper.options.batchRows {
            try flush()
        }
    }

    // MARK: Building

    @discardableResult
    private func addSource(_ name: String) -> Int {
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
        if name == SchemaMapper.objectIdColumn, spec?.type.storage == .text { objectIdSlot = slot }
        // Rows already in this batch did not have the column.
        for _ in 0 ..< rowsInBatch { appendMissing(slot: slot) }
        return slot
    }

    private func appendSlot(_ source: Source) {
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
    private func install(_ builder: ColumnBuilder?, at field: Int?) {
        let unmanaged = builder.map { Unmanaged.passUnretained($0) }
        if let field {
            builders[field] = builder
            fieldBuilders[field] = unmanaged
        } else {
            builders.append(builder)
            fieldBuilders.append(unmanaged)
        }
    }

    private func appendMissing(slot: Int) {
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

    private func appendFeatures(_ cell: Cell, route: Route, slot: Int) throws {
        let bytes: UnsafeBufferPointer<UInt8>
        switch cell {
        case .null:
            appendMissing(slot: slot)
            return
        case .string(let b), .text(let b):
            if ValueConversion.isMissingString(b) {
                appendMissing(slot: slot)
                return
            }
            bytes = b
        case .composite(let b):
            bytes = b
        case .number, .bool:
            try problem(in: sources[slot].name, "value \(ValueConversion.preview(cell)) is not a feature list")
            appendMissing(slot: slot)
            return
        }
        let count: Int
        do {
            count = try FeatureStringParser.parse(bytes, into: &featureScratch)
        } catch let error as FeatureStringError {
            try problem(in: sources[slot].name, error.reason)
            appendMissing(slot: slot)
            return
        }
        if count == 0 {
            appendMissing(slot: slot)
        } else if count == featureCount {
            for index in 0 ..< featureCount {
                fieldBuilders[route.firstField + index]!._withUnsafeGuaranteedRef { $0.appendReal(featureScratch[index]) }
            }
        } else {
            try problem(in: sources[slot].name, "the feature list has \(count) values, expected \(featureCount)")
            appendMissing(slot: slot)
        }
    }

    /// Records a value that does not fit: an error at the end of the record, or a counted
    /// null when mapping is lenient.
    private func problem(in column: String, _ message: String) throws {
        if mapper.options.lenient {
            lenientNulls[column, default: 0] += 1
        } else if pendingProblem == nil {
            pendingProblem = (column, message)
        }
    }

    private func freeze() throws {
        for slot in sources.indices {
            guard case .inferred(let column) = sources[slot].kind else { continue }
            let type = column.inferredType()
            let source = sources[slot]
            let field = mapper.fields(forColumn: source.name, inferredType: type)[0]
            fields[source.firstField] = field
            let builder = ColumnBuilder(type: type, capacity: mapper.options.batchRows)
            if let (row, reason) = column.replay(into: builder) {
                throw MappingError("\(table.rawValue) row \(rowCount - rowsInBatch + row + 1), column \(MessageText.shown(source.name)): \(reason)")
            }
            install(builder, at: source.firstField)
            sources[slot].kind = .scalar
            routes[slot].kind = .scalar
            warnings.append("column \(MessageText.shown(source.name)) is not in the Fink catalogue; its type was inferred as \(type.rawValue) from its values")
        }
        schema = try mapper.schema(for: table, fields: fields)
    }

    private func flush() throws {
        if schema == nil { try freeze() }
        let columns = builders.map { $0!.take() }
        let batch = RecordBatch(schema: schema!, columns: columns, rowCount: rowsInBatch)
        rowsInBatch = 0
        try emit(batch)
    }
}
