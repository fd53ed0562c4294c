import Foundation

/// A query argument the API would refuse (it answers those with a bare HTTP 500).
public struct QueryError: Error, Equatable, CustomStringConvertible {
    /// One line for the user.
    public let description: String

    /// Creates an error with its message.
    public init(_ description: String) {
        self.description = description
    }
}

extension FinkQuery {
    /// Checks the arguments before anything is sent.
    public func validate() throws {
        guard count > 0 else {
            throw QueryError("--n must be at least 1 (got \(count))")
        }
        guard count <= 1_000_000 else {
            throw QueryError("--n \(count) is beyond what the anomaly table holds (about 10 alerts a night); use at most 1000000")
        }
        let start = try startDate.map { try Self.parseDate($0, option: "--start-date") }
        let stop = try stopDate.map { try Self.parseDate($0, option: "--stop-date") }
        // The API ends the window a day after --stop-date, so the whole stop day is included.
        if let start, let stop, start >= stop.addingTimeInterval(86_400) {
            throw QueryError("--start-date \(startDate!) is after --stop-date \(stopDate!)")
        }
    }

    /// Parses `YYYY-MM-DD` with an optional `THH:MM[:SS[.fff]]` (or a space instead of `T`),
    /// UTC, refusing dates that do not exist.
    public static func parseDate(_ text: String, option: String) throws -> Date {
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?$"#
        let bad = QueryError("\(option) \"\(text)\" is not a date: use YYYY-MM-DD, optionally with THH:MM:SS (UTC)")
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { throw bad }
        func part(_ index: Int) -> Int? {
            guard let range = Range(match.range(at: index), in: text) else { return nil }
            return Int(text[range])
        }
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(identifier: "UTC")
        components.year = part(1)
        components.month = part(2)
        components.day = part(3)
        components.hour = part(4) ?? 0
        components.minute = part(5) ?? 0
        components.second = part(6) ?? 0
        guard components.isValidDate, let hour = components.hour, hour < 24,
              let minute = components.minute, minute < 60, let second = components.second, second < 60,
              let date = components.date else {
            throw QueryError("\(option) \"\(text)\" is not a real date and time")
        }
        return date
    }
}
