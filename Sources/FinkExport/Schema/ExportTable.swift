/// The tables an export can hold.
public enum ExportTable: String, Sendable, CaseIterable, Codable, Comparable {
    /// One row per anomalous alert, from `/api/v1/anomaly`.
    case anomalies
    /// Every alert of every object the anomalies name, from `/api/v1/objects`.
    case objects

    /// The endpoint whose rows fill this table.
    public var endpoint: FinkEndpoint {
        switch self {
        case .anomalies: return .anomaly
        case .objects: return .objects
        }
    }

    /// Anomalies before objects: the order tables are fetched and written.
    public static func < (lhs: ExportTable, rhs: ExportTable) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
