import CFinkExportSink

/// A version of the sink ABI, `MAJOR * 1000000 + MINOR * 1000` as the header encodes it.
struct SinkABIVersion: Comparable, CustomStringConvertible {
    let encoded: UInt32

    /// The version this fink-export implements (`FINK_EXPORT_SINK_ABI_VERSION` of its header).
    static let host = SinkABIVersion(encoded: FINK_EXPORT_SINK_ABI_VERSION)

    /// The oldest version this fink-export still loads.
    static let oldestSupported = SinkABIVersion(encoded: FINK_EXPORT_SINK_ABI_VERSION_1_0)

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.encoded < rhs.encoded }

    var description: String {
        "\(encoded / 1_000_000).\(encoded / 1000 % 1000)"
    }

    /// Whether a plugin built for `plugin` may run on this host: not newer than the host,
    /// and not older than the oldest version it still knows.
    static func accepts(_ plugin: SinkABIVersion) -> Bool {
        plugin >= oldestSupported && plugin <= host
    }
}
