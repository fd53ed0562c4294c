/// What a column is to a sink that needs more than its values: the key that identifies an
/// alert, a label to learn, a score to rank by.
///
/// Roles come from `Schemas/columns.json` (`"role"`), so a sink asks for a role instead of
/// naming a Fink column. Each role is held by at most one column. Sinks only look roles up;
/// they never switch over them, so a new role breaks no sink.
public enum ColumnRole: String, Sendable, Codable, CaseIterable {
    /// The object an alert belongs to (text): all alerts of one sky position share it.
    case objectId
    /// The alert itself (integer); rows that are not detections (upper limits) share -1.
    case alertId
    /// When the alert was observed (real, a Julian date).
    case observationTime
    /// A class name for the object, usable as a training label (text).
    case classLabel
    /// The anomaly score the alert was selected by (real).
    case anomalyScore
    /// What a row is (text): a detection, an upper limit or a bad-quality point.
    case rowKind

    /// The roles that together identify one row of alerts. Rows that are not detections all
    /// have the same alert id, so the time is part of the key.
    public static let alertKey: [ColumnRole] = [.objectId, .alertId, .observationTime]
}
