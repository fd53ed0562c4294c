/// The values of one column of a batch, in the column's storage type: one case per
/// ``StorageKind``.
///
/// Sinks switch over it exhaustively, and that is deliberate: the cases are the physical
/// layouts a batch can carry (the Arrow-like arrays a plugin receives too), and a new one
/// must make every sink decide how to store it, so it breaks them at compile time rather
/// than falling into a default that writes the wrong thing.
public enum ColumnValues: Sendable, Equatable {
    /// Integers (`int`, `long`).
    case integer([Int64])
    /// Floating point (`double`, `float`); a missing value holds NaN.
    case real([Double])
    /// Booleans.
    case boolean([Bool])
    /// Text (`string`, `array` as JSON text).
    case text(TextColumn)

    /// The number of rows.
    public var count: Int {
        switch self {
        case .integer(let values): return values.count
        case .real(let values): return values.count
        case .boolean(let values): return values.count
        case .text(let values): return values.count
        }
    }
}

/// One column of a batch: values plus validity.
public struct Column: Sendable, Equatable {
    /// The values; a missing row holds a placeholder (0, NaN, false, empty).
    public var values: ColumnValues
    /// `validity[i]` is false when row `i` is missing; nil means every row is present.
    public var validity: [Bool]?

    /// Creates a column.
    public init(values: ColumnValues, validity: [Bool]? = nil) {
        self.values = values
        self.validity = validity
    }

    /// Whether row `row` holds a value.
    @inline(__always)
    public func isValid(_ row: Int) -> Bool {
        validity?[row] ?? true
    }

    /// The number of missing rows.
    public var nullCount: Int {
        validity.map { $0.lazy.filter { !$0 }.count } ?? 0
    }
}

/// A slice of a table held column by column: a few thousand rows that every sink can take.
///
/// Columnar because SQLite binds, HDF5 chunks, VOTable rows and feature matrices all want
/// typed columns, and because bounded batches keep memory flat however long the export.
public struct RecordBatch: Sendable, Equatable {
    /// The table's schema; `columns[i]` holds `schema.fields[i]`.
    public let schema: TableSchema
    /// The columns.
    public let columns: [Column]
    /// The number of rows.
    public let rowCount: Int

    /// Creates a batch; every column must have `rowCount` rows.
    public init(schema: TableSchema, columns: [Column], rowCount: Int) {
        precondition(columns.count == schema.fields.count, "one column per field")
        precondition(columns.allSatisfy { $0.values.count == rowCount }, "columns of equal length")
        self.schema = schema
        self.columns = columns
        self.rowCount = rowCount
    }

    /// The column whose output name is `name`.
    public func column(named name: String) -> Column? {
        schema.index(of: name).map { columns[$0] }
    }
}
