/// One output column: its name as written, where it comes from, and what it holds.
///
/// Sinks read ``storage`` and ``bitWidth`` to choose a physical type, ``role`` when they need
/// a key, a label or a score, and the unit, UCD and description as metadata. ``type`` is
/// Fink's own vocabulary and may grow; sinks do not switch over it.
public struct Field: Sendable, Equatable {
    /// Where a field's values come from.
    public enum Origin: Sendable, Equatable {
        /// A column described by the catalogue.
        case catalogue
        /// A column the catalogue does not know; its type was inferred from the data.
        case inferred
        /// Feature `index` of an expanded feature list: one of several real columns cut from
        /// one source column (``sourceName``).
        case feature(index: Int)
    }

    /// The column name in the output, after the name style is applied.
    public var name: String
    /// The source column the values come from (the feature list for an expanded feature).
    public var sourceName: String
    /// The value type, in Fink's vocabulary.
    public var type: ColumnType
    /// The unit in VOUnit form.
    public var unit: String?
    /// The UCD1+ word list.
    public var ucd: String?
    /// A short description.
    public var description: String?
    /// Where the values come from.
    public var origin: Origin
    /// Whether every value is ASCII by construction (from the catalogue).
    public var asciiOnly: Bool
    /// What the column is to sinks that need a key, a label or a score.
    public var role: ColumnRole?

    /// Creates a field.
    public init(name: String, sourceName: String, type: ColumnType, unit: String? = nil,
                ucd: String? = nil, description: String? = nil, origin: Origin = .catalogue, asciiOnly: Bool = false,
                role: ColumnRole? = nil) {
        self.name = name
        self.sourceName = sourceName
        self.type = type
        self.unit = unit
        self.ucd = ucd
        self.description = description
        self.origin = origin
        self.asciiOnly = asciiOnly
        self.role = role
    }

    /// How the values are held in a ``RecordBatch`` (``ColumnValues`` has one case per kind).
    public var storage: StorageKind { type.storage }

    /// The width the source stores numbers in: 32 for Fink's `int` and `float`, 64 for `long`
    /// and `double`; nil for booleans and text. A 32-bit real is carried as the exact double
    /// the API sent; a sink may store it in 32 bits when its options say so.
    public var bitWidth: Int? { type.bitWidth }

    /// Whether the field is one feature of an expanded feature list.
    public var isExpandedFeature: Bool {
        if case .feature = origin { return true }
        return false
    }
}
