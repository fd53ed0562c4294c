/// A file that looked like a plugin but could not be used, and why: the one warning line the
/// user sees, while every other format keeps working.
public struct PluginLoadFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The plugin's file.
    public let path: String
    /// Why it was not loaded.
    public let reason: String

    /// Creates a failure.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        "plugin \(path) not loaded: \(reason)"
    }
}
