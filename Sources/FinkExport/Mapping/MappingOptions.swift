/// How rows are mapped onto output columns.
public struct MappingOptions: Sendable, Equatable {
    /// How output names are written.
    public var nameStyle: NameStyle
    /// Whether feature strings become one column per feature (off keeps the raw lists).
    public var expandFeatures: Bool
    /// Whether a value that does not fit its column becomes a counted null instead of an error.
    public var lenient: Bool
    /// The columns asked for, or nil for every column the endpoint returns.
    public var columns: [String]?
    /// Rows per ``RecordBatch``.
    public var batchRows: Int
    /// Whether the objects answers carry upper-limit and bad-quality rows beside the
    /// detections (the objects endpoint's `withupperlim`); the objects table then ends with
    /// the column that says what each row is (the catalogue's ``ColumnRole/rowKind``).
    public var withUpperLimits: Bool

    /// Creates mapping options; the defaults are the CLI's.
    public init(nameStyle: NameStyle = .fink, expandFeatures: Bool = true, lenient: Bool = false,
                columns: [String]? = nil, batchRows: Int = 4096, withUpperLimits: Bool = false) {
        self.nameStyle = nameStyle
        self.expandFeatures = expandFeatures
        self.lenient = lenient
        self.columns = columns
        self.batchRows = batchRows
        self.withUpperLimits = withUpperLimits
    }
}
