/// What reading one answer (or one saved file) found, for the table's ledger.
package struct AnswerStats: Sendable, Equatable {
    /// Rows read.
    package var rows = 0
    /// Rows per object id, in first-seen order.
    package var rowsPerObject: [ObjectRows] = []
    /// With lenient mapping: values of each column that did not fit and became null.
    package var lenientNulls: [String: Int] = [:]
    /// Columns the catalogue lacks, with the type their values gave them.
    package var inferredColumns: [InferredType] = []

    /// One object's row count.
    package struct ObjectRows: Sendable, Equatable {
        package var objectId: String
        package var rows: Int
    }

    /// A column typed from its values.
    package struct InferredType: Sendable, Equatable {
        package var column: String
        package var type: ColumnType
    }

    package init() {}
}
