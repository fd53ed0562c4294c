/// An argument of a ``FinkQuery``, as errors name it.
public enum QueryArgument: String, Sendable, Equatable {
    /// `n`, the number of anomalous alerts.
    case count = "n"
    /// `start_date`.
    case startDate = "start_date"
    /// `stop_date`.
    case stopDate = "stop_date"
}

/// A query argument the API would refuse (it answers those with a bare HTTP 500).
public enum QueryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer than one alert asked for.
    case countTooSmall(Int)
    /// More alerts asked for than the anomaly table can hold.
    case countTooLarge(Int, maximum: Int)
    /// A date that does not have the form `YYYY-MM-DD[THH:MM[:SS[.fff]]]`.
    case notADate(QueryArgument, String)
    /// A date of the right form that does not exist (February 30th, hour 25).
    case notARealDate(QueryArgument, String)
    /// The window starts after it stops.
    case startAfterStop(start: String, stop: String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .countTooSmall(let count):
            return "n must be at least 1 (got \(count))"
        case .countTooLarge(let count, let maximum):
            return "n \(count) is beyond what the anomaly table holds (about 10 alerts a night); use at most \(maximum)"
        case .notADate(let argument, let text):
            return "\(argument.rawValue) \"\(text)\" is not a date: use YYYY-MM-DD, optionally with THH:MM:SS (UTC)"
        case .notARealDate(let argument, let text):
            return "\(argument.rawValue) \"\(text)\" is not a real date and time"
        case .startAfterStop(let start, let stop):
            return "start_date \(start) is after stop_date \(stop)"
        }
    }
}
