/// A sink could not be chosen, configured or written.
public enum SinkError: Error, Equatable, CustomStringConvertible {
    /// The format or its options were asked for wrongly.
    case usage(String)
    /// The output could not be created or written.
    case output(String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .usage(let message), .output(let message): return message
        }
    }
}
