/// One cell of the stand-in dataset, as the API would hold it before writing JSON.
public enum StandinValue: Sendable, Equatable {
    /// No value: `null` for numbers and booleans, the string `"nan"` for text (pandas < 3).
    case missing
    /// An integer.
    case integer(Int64)
    /// A double; its JSON text is what pandas writes (at most 10 decimals).
    case real(Double)
    /// A boolean.
    case bool(Bool)
    /// Text.
    case text(String)
    /// A number the API sends as a JSON string (upper-limit rows).
    case numericText(String)
    /// A light-curve feature string.
    case features(FeatureList)
}

/// The content of a `d:lc_features_<band>` string.
public enum FeatureList: Sendable, Equatable {
    /// `"[]"`: no features for this alert.
    case empty
    /// Twenty-six values; NaN is written `NaN`.
    case values([Double])
    /// Twenty-six `null`s: the band is absent.
    case allNull

    /// The values an expanded export holds: nil for each missing entry.
    public var expanded: [Double?] {
        switch self {
        case .empty, .allNull: return Array(repeating: nil, count: 26)
        case .values(let values): return values.map { $0.isNaN ? nil : $0 }
        }
    }
}
