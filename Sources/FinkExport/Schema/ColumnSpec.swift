/// The two Fink endpoints whose rows fink-export exports.
public enum FinkEndpoint: String, Sendable, CaseIterable, Codable {
    /// `/api/v1/anomaly`: the most anomalous alerts.
    case anomaly
    /// `/api/v1/objects`: every alert of the given objects.
    case objects
}

/// One entry of the column catalogue: what Fink says about a column.
public struct ColumnSpec: Sendable, Equatable {
    /// The name exactly as the API writes it, namespace included (`i:magpsf`).
    public let name: String
    /// The value type.
    public let type: ColumnType
    /// The unit in VOUnit form, when the column has one.
    public let unit: String?
    /// The IVOA UCD1+ word list, when one fits.
    public let ucd: String?
    /// A short description.
    public let description: String
    /// The endpoints that return this column.
    public let endpoints: [FinkEndpoint]
    /// Whether the column is a feature string to expand into one column per feature.
    public let expandsFeatures: Bool
    /// The photometric band of a feature column (`g`, `r`).
    public let band: String?
    /// Whether the text is ASCII by construction (ids, codes, dates), so formats with an
    /// ASCII-only string type (VOTable `char`) can use it.
    public let asciiOnly: Bool
    /// What the column is to sinks that need a key, a label or a score.
    public let role: ColumnRole?

    /// Creates a catalogue entry.
    public init(name: String, type: ColumnType, unit: String? = nil, ucd: String? = nil,
                description: String, endpoints: [FinkEndpoint] = FinkEndpoint.allCases,
                expandsFeatures: Bool = false, band: String? = nil, asciiOnly: Bool = false, role: ColumnRole? = nil) {
        self.name = name
        self.type = type
        self.unit = unit
        self.ucd = ucd
        self.description = description
        self.endpoints = endpoints
        self.expandsFeatures = expandsFeatures
        self.band = band
        self.asciiOnly = asciiOnly
        self.role = role
    }

    /// The namespace letter before the colon (`i`, `d`, `v`, `b`), or nil for a bare name.
    public var namespace: String? {
        guard let colon = name.firstIndex(of: ":") else { return nil }
        return String(name[..<colon])
    }
}

/// One light-curve feature packed in a `d:lc_features_<band>` string.
public struct FeatureSpec: Sendable, Equatable {
    /// The feature name (`mean`, `stetson_K`).
    public let name: String
    /// The unit in VOUnit form, when unambiguous.
    public let unit: String?
    /// The UCD, when one fits.
    public let ucd: String?
    /// A short description.
    public let description: String

    /// Creates a feature entry.
    public init(name: String, unit: String?, ucd: String?, description: String) {
        self.name = name
        self.unit = unit
        self.ucd = ucd
        self.description = description
    }
}
