import Foundation

extension FinkQuery {
    /// The most anomalous alerts one query may ask for (the table holds about 10 a night).
    public static let maximumCount = 1_000_000

    /// Checks the arguments before anything is sent.
    public func validate() throws {
        guard count > 0 else { throw QueryError.countTooSmall(count) }
        guard count <= Self.maximumCount else { throw QueryError.countTooLarge(count, maximum: Self.maximumCount) }
        let start = try startDate.map { try Self.parseDate($0, argument: .startDate) }
        let stop = try stopDate.map { try Self.parseDate($0, argument: .stopDate) }
        // The API ends the window a day after the stop date, so the whole stop day is included.
        if let start, let stop, start >= stop.addingTimeInterval(86_400) {
            throw QueryError.startAfterStop(start: startDate!, stop: stopDate!)
        }
    }

    /// Parses `YYYY-MM-DD` with an optional `THH:MM[:SS[.fff]]` (or a space instead of `T`),
    /// UTC, refusing dates that do not exist.
    public static func parseDate(_ text: String, argument: QueryArgument) throws -> Date {
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?$"#
        let bad = QueryError.notADate(argument, text)
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
            throw QueryError.notARealDate(argument, text)
        }
        return date
    }
}
