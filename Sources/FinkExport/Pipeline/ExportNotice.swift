/// What an export says while it runs (the command line shows these as notices).
public enum ExportNotice: Sendable, Equatable, CustomStringConvertible {
    /// A request failed and is tried again; `attempt` is the try that failed (from 1).
    case retrying(request: String, attempt: Int, reason: String)
    /// Answers kept by an interrupted export are read instead of asked again.
    case resuming(directory: String)
    /// Answers kept by an interrupted export to `output` are discarded: this one starts over.
    case startingOver(output: String)
    /// Resuming was asked, but no interrupted export to `output` kept answers.
    case nothingToResume(output: String)
    /// The API's schema (`/api/v1/schema`) could not be read: the export goes on with the
    /// built-in catalogue alone.
    case liveSchemaUnavailable(reason: String)

    /// One line, without command-line options.
    public var description: String {
        switch self {
        case .retrying(let request, let attempt, let reason):
            return "retrying \(request) (try \(attempt + 1)): \(reason)"
        case .resuming(let directory):
            return "resuming: reading the answers already received from \(directory)"
        case .startingOver(let output):
            return "starting over: the answers kept by an interrupted export to \(output) are discarded"
        case .nothingToResume(let output):
            return "nothing to resume for \(output): starting from the beginning"
        case .liveSchemaUnavailable(let reason):
            return "the API's schema (/api/v1/schema) could not be read (\(reason)): columns the built-in catalogue lacks are typed from the data"
        }
    }
}
