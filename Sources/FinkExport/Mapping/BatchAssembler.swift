/// Turns the records of one answer, as readers walk them, into typed ``RecordBatch``es.
///
/// It is the ``RecordHandler`` both readers feed: every value is converted to its column's
/// type on the way in, feature lists are expanded, absent keys become nulls. Full batches
/// wait in ``takeBatches()`` for the caller, so memory stays bounded by how often it takes.
///
/// An assembler made from a mapper learns the columns: those the catalogue does not know get
/// their type from the values of the first batch (one warning each), and the first batch
/// fixes the schema. One made from a ``Plan`` continues a table whose columns are fixed; a
/// key the plan lacks is then an error. Either reads one answer; row numbers in its errors
/// count from that answer's start.
package final class BatchAssembler: RecordHandler {
    enum Kind {
        case scalar
        case features
        case inferred(InferredColumn)
    }

    struct Source {
        let name: String
        var kind: Kind
        let firstField: Int
        var fieldCount: Int
    }

    /// Where a slot's values go, in trivial fields only: the per-value path reads this
    /// rather than ``Source``, whose string and class payload would be retained per value.
    struct Route {
        enum Kind { case scalar, features, inferred }
        var kind: Kind
        let firstField: Int
        let fieldCount: Int
    }

    /// The table being assembled.
    package let table: ExportTable
    let mapper: SchemaMapper
    let featureCount: Int

    @exclusivity(unchecked) var sources: [Source] = []
    @exclusivity(unchecked) var routes: [Route] = []
    var slotByName: [String: Int] = [:]
    var fields: [Field] = []
    /// One builder per output field (nil for a column whose type is still being inferred).
    @exclusivity(unchecked) var builders: [ColumnBuilder?] = []
    /// The same builders, unretained, for the per-value path; `builders` keeps them alive.
    @exclusivity(unchecked) var fieldBuilders: [Unmanaged<ColumnBuilder>?] = []
    let stamps = RowStamps()
    var objectIdSlot: Int?
    @exclusivity(unchecked) var featureScratch: [Double] = []

    @exclusivity(unchecked) var rowsInBatch = 0
    /// Records read, kept or not: the stamp of the current record, and row numbers in errors.
    @exclusivity(unchecked) package private(set) var records = 0
    @exclusivity(unchecked) private var pendingProblem: (column: String, message: String)?
    /// Lenient nulls of the current record, counted once it is kept.
    @exclusivity(unchecked) private var pendingLenient: [String] = []
    /// Which records to keep, by their object id (nil: all). Set before the first record;
    /// a dropped record leaves no trace: no row, no count, no error of its values.
    package var keepsObject: (@Sendable (String?) -> Bool)?
    @exclusivity(unchecked) private var rowsByObject: [String: Int] = [:]
    private var completed: [RecordBatch] = []

    /// The schema, once the first batch (or ``finish()``) has fixed it.
    package internal(set) var schema: TableSchema?
    /// What was read so far.
    @exclusivity(unchecked) package internal(set) var stats = AnswerStats()

    /// A table's columns once they are fixed: what another assembler needs to read more
    /// answers of the same table, on another thread.
    package struct Plan: Sendable {
        fileprivate let table: ExportTable
        fileprivate let mapper: SchemaMapper
        /// The table's schema.
        package let schema: TableSchema
        fileprivate let fields: [Field]
        fileprivate let sources: [(name: String, expands: Bool, firstField: Int, fieldCount: Int)]
        fileprivate let objectIdSlot: Int?
    }

    /// The table's plan, once its columns are fixed.
    package var plan: Plan? {
        guard let schema else { return nil }
        return Plan(table: table, mapper: mapper, schema: schema, fields: fields,
                    sources: sources.map { source in
                        if case .features = source.kind { return (source.name, true, source.firstField, source.fieldCount) }
                        return (source.name, false, source.firstField, source.fieldCount)
                    },
                    objectIdSlot: objectIdSlot)
    }

    /// Creates an assembler that learns the columns of `table` from its first rows.
    package init(table: ExportTable, mapper: SchemaMapper) {
        self.table = table
        self.mapper = mapper
        self.featureCount = mapper.catalogue.features.count
        for name in mapper.plannedColumns(for: table) {
            addSource(name)
        }
    }

    /// Creates an assembler that continues a table whose columns `plan` fixed.
    package init(plan: Plan) {
        self.table = plan.table
        self.mapper = plan.mapper
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

    /// The full batches made so far, oldest first; they are handed over once.
    package func takeBatches() -> [RecordBatch] {
        defer { completed.removeAll(keepingCapacity: true) }
        return completed
    }

    /// Whether full batches wait to be taken.
    package var hasBatches: Bool { !completed.isEmpty }

    /// Ends the answer: the last partial batch is made, and the schema fixed if no batch did.
    /// An answer without rows makes no batch.
    @discardableResult
    package func finish() throws -> TableSchema {
        if schema == nil { try freeze() }
        if rowsInBatch > 0 { emitBatch() }
        return schema!
    }

    // MARK: RecordHandler

    /// Starts a record.
    package func beginRecord() throws {
        pendingProblem = nil
        if !pendingLenient.isEmpty { pendingLenient.removeAll(keepingCapacity: true) }
    }

    /// The slot of a key; a key first seen after the columns were fixed is an error.
    package func slot(forKey key: UnsafeBufferPointer<UInt8>) throws -> Int {
        let name = String(decoding: key, as: UTF8.self)
        if let slot = slotByName[name] { return slot }
        guard schema == nil else { throw MappingError.lateColumn(table: table.rawValue, column: name) }
        return addSource(name)
    }

    /// Converts and appends one value of the current record.
    package func value(_ cell: Cell, slot: Int) throws {
        guard stamps[slot] != records else {
            throw MappingError.repeatedKey(table: table.rawValue, row: records + 1, column: sources[slot].name)
        }
        stamps[slot] = records
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
    package func endRecord() throws {
        for slot in 0 ..< stamps.count where stamps[slot] != records {
            appendMissing(slot: slot)
        }
        records += 1
        let objectId = objectIdSlot.flatMap { builders[sources[$0].firstField]?.lastText }
        if let keepsObject, !keepsObject(objectId) {
            dropLastRecord()
            return
        }
        if let problem = pendingProblem {
            throw MappingError.valueDoesNotFit(table: table.rawValue, row: records, objectId: objectId,
                                               column: problem.column, reason: problem.message)
        }
        for column in pendingLenient { stats.lenientNulls[column, default: 0] += 1 }
        if let objectId {
            if let count = rowsByObject[objectId] {
                rowsByObject[objectId] = count + 1
            } else {
                rowsByObject[objectId] = 1
                stats.rowsPerObject.append(AnswerStats.ObjectRows(objectId: objectId, rows: 0))
            }
        }
        stats.rows += 1
        rowsInBatch += 1
        if rowsInBatch >= mapper.options.batchRows {
            if schema == nil { try freeze() }
            emitBatch()
        }
    }

    /// Records a value that does not fit: an error at the end of the record, or a counted
    /// null when mapping is lenient.
    func problem(in column: String, _ message: String) throws {
        if mapper.options.lenient {
            pendingLenient.append(column)
        } else if pendingProblem == nil {
            pendingProblem = (column, message)
        }
    }

    /// Takes the record just completed out of every column.
    private func dropLastRecord() {
        for source in sources {
            if case .inferred(let column) = source.kind { column.removeLast() }
        }
        for builder in builders {
            builder?.removeLast()
        }
    }

    private func emitBatch() {
        // Per-object counts are kept in a dictionary on the hot path and copied out here.
        for index in stats.rowsPerObject.indices {
            stats.rowsPerObject[index].rows = rowsByObject[stats.rowsPerObject[index].objectId] ?? 0
        }
        let columns = builders.map { $0!.take() }
        completed.append(RecordBatch(schema: schema!, columns: columns, rowCount: rowsInBatch))
        rowsInBatch = 0
    }
}
