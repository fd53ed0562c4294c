import FinkExport

/// A table the kit writes: its schema, its rows as values, and how the rows are cut into
/// batches. The rows are both the source of the batches and, once NaN is read as null, what
/// a reader must find.
package struct TableFixture: Sendable {
    package var schema: TableSchema
    /// Rows of values, one per field; `.real(.nan)` is a NaN that is present, `.null` missing.
    package var rows: [[ReadValue]]
    /// Rows per batch, in order; they add up to the row count (no batch is empty).
    package var batchSizes: [Int]

    /// Creates a fixture; without `batchSizes` the rows go in one batch.
    package init(schema: TableSchema, rows: [[ReadValue]], batchSizes: [Int]? = nil) {
        precondition(rows.allSatisfy { $0.count == schema.fields.count }, "one value per field")
        self.schema = schema
        self.rows = rows
        self.batchSizes = batchSizes ?? (rows.isEmpty ? [] : [rows.count])
        precondition(self.batchSizes.reduce(0, +) == rows.count && !self.batchSizes.contains(0), "batches cover the rows")
    }

    /// What an exact reader returns.
    package var expected: ReadTable {
        ReadTable(name: schema.name, columns: schema.fields.map(\.name),
                  rows: rows.map { row in row.map { if case .real(let value) = $0 { return .realOrNull(value) } else { return $0 } } })
    }

    /// The rows as batches of ``batchSizes``.
    package func batches() -> [RecordBatch] {
        var start = 0
        return batchSizes.map { size in
            defer { start += size }
            let slice = rows[start ..< start + size]
            let columns = schema.fields.indices.map { index in Self.column(slice.map { $0[index] }, field: schema.fields[index]) }
            return RecordBatch(schema: schema, columns: columns, rowCount: size)
        }
    }

    /// A column of `values`. Under a null it puts a value that is not the usual placeholder
    /// (0, NaN, false, empty), so a sink that looks at the value instead of the validity shows.
    static func column(_ values: [ReadValue], field: Field) -> Column {
        let validity = values.map { $0 != .null }
        func wrong(_ value: ReadValue) -> Never { preconditionFailure("\(value) in the \(field.storage) field \(field.name)") }
        let columnValues: ColumnValues
        switch field.storage {
        case .integer:
            columnValues = .integer(values.map { if case .integer(let v) = $0 { return v }; if $0 == .null { return 7 }; wrong($0) })
        case .real:
            columnValues = .real(values.map { if case .real(let v) = $0 { return v }; if $0 == .null { return 7.5 }; wrong($0) })
        case .boolean:
            columnValues = .boolean(values.map { if case .bool(let v) = $0 { return v }; if $0 == .null { return true }; wrong($0) })
        case .text:
            columnValues = .text(TextColumn(values.map { if case .text(let v) = $0 { return v }; if $0 == .null { return "placeholder" }; wrong($0) }))
        }
        return Column(values: columnValues, validity: validity.allSatisfy { $0 } ? nil : validity)
    }

    /// A field of `type` named `name`, not from the catalogue.
    package static func field(_ name: String, _ type: ColumnType, asciiOnly: Bool = false, role: ColumnRole? = nil) -> Field {
        Field(name: name, sourceName: name, type: type, origin: .inferred, asciiOnly: asciiOnly, role: role)
    }
}
