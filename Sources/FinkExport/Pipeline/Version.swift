/// The version of fink-export, recorded in every output's provenance.
public enum FinkExportVersion {
    /// The release version.
    public static let current = "0.1.0"
}
