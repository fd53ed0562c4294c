/// Which answer, or which saved file, a problem was found in.
public enum AnswerSource: Sendable, Equatable, CustomStringConvertible {
    /// The answer of the anomaly request.
    case anomalyAnswer
    /// The answer of objects request `index` (from 0) of `count`.
    case objectsAnswer(index: Int, count: Int)
    /// A saved answer given to `convert`.
    case file(String)

    /// How the source is named in messages.
    public var description: String {
        switch self {
        case .anomalyAnswer: return "the anomaly response"
        case .objectsAnswer(let index, let count): return "objects response \(index + 1) of \(count)"
        case .file(let path): return path
        }
    }
}

/// The data itself is wrong: an answer or a file that is not a table, or values that do not
/// fit their columns.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The body is not a table the readers understand.
    case unreadable(AnswerSource, ReadError)
    /// A saved file has no bytes: an answer without rows is `[]`, not nothing.
    case emptyFile(String)
    /// A record could not be mapped onto the columns.
    case mapping(AnswerSource, MappingError)

    /// One line for the user.
    public var description: String {
        switch self {
        case .unreadable(let source, let error):
            return "\(source) is not a table fink-export can read: \(error)"
        case .emptyFile(let path):
            return "\(path) is empty: a saved API answer is a JSON array ([] when it has no rows) or the API's CSV"
        case .mapping(let source, let error):
            // Rows of an objects answer count from its start, so the answer is named.
            if case .objectsAnswer = source { return "\(source): \(error)" }
            return error.description
        }
    }

    /// The mapping problem, when that is what went wrong.
    public var mappingError: MappingError? {
        if case .mapping(_, let error) = self { return error }
        return nil
    }
}
