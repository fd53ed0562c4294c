/// What differs between the requests an interrupted export kept answers for and this one's.
public enum RequestDifference: Sendable, Equatable, CustomStringConvertible {
    /// Another API.
    case baseURL(saved: String, now: String)
    /// Another number of object ids per objects request.
    case batchSize(saved: Int, now: Int)
    /// Other objects arguments (columns, upper limits), as sent.
    case objectsArguments(saved: String, now: String)
    /// Another anomaly request, as sent.
    case anomalyArguments(saved: String, now: String)
    /// Answers kept by another version of fink-export, in another layout.
    case spoolVersion(saved: Int, now: Int)

    /// What differs, in words.
    public var description: String {
        switch self {
        case .baseURL(let saved, let now): return "API \(saved), now \(now)"
        case .batchSize(let saved, let now): return "batch size \(saved), now \(now)"
        case .objectsArguments(let saved, let now): return "objects requests \(saved), now \(now)"
        case .anomalyArguments(let saved, let now): return "anomaly request \(saved), now \(now)"
        case .spoolVersion(let saved, let now): return "kept in layout \(saved), now \(now)"
        }
    }
}

/// The answers kept for resuming an export cannot be used, or cannot be kept.
public enum ResumeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kept answers belong to other requests than this export's.
    case otherRequests(output: String, difference: RequestDifference)
    /// The kept answers cannot be read; `answer` names the one, if one.
    case unreadable(directory: String, answer: String?, reason: String)
    /// An answer cannot be written to disk (a full disk, a size limit, permissions).
    case cannotKeep(directory: String, reason: String)
    /// Resuming was asked, but `output` is there and no answers are kept beside it: the export
    /// that wrote it finished.
    case alreadyFinished(output: String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .otherRequests(let output, let difference):
            return "the interrupted export to \(output) asked for other data (\(difference))"
        case .unreadable(let directory, let answer, let reason):
            return "the saved \(answer.map { "answer \($0)" } ?? "answers") in \(directory) cannot be read (\(reason))"
        case .cannotKeep(let directory, let reason):
            return "cannot keep the API's answers in \(directory): \(reason)"
        case .alreadyFinished(let output):
            return "nothing to resume: \(output) is there and no interrupted export of it kept answers"
        }
    }
}
