/// A sink's option values, checked against its ``SinkOptionSpec``s.
public struct SinkOptions: Sendable, Equatable {
    private var values: [String: String]

    /// Checks `assignments` (`name=value`) against `specs`.
    ///
    /// - Throws: ``SinkError`` for an unknown name, a repeated name or a value outside the kind.
    public init(_ assignments: [String], specs: [SinkOptionSpec], format: String) throws {
        var values: [String: String] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw SinkError.optionSyntax(assignment)
            }
            let name = String(assignment[..<equals])
            let value = String(assignment[assignment.index(after: equals)...])
            guard let spec = specs.first(where: { $0.name == name }) else {
                throw SinkError.unknownOption(format: format, name: name, known: specs.map(\.name))
            }
            guard values[name] == nil else { throw SinkError.repeatedOption(name) }
            let valid: Bool
            switch spec.kind {
            case .bool: valid = value == "true" || value == "false"
            case .integer(let range): valid = Int(value).map(range.contains) ?? false
            case .choice(let words): valid = words.contains(value)
            }
            guard valid else { throw SinkError.optionValue(name: name, value: value, expected: spec.kind) }
            values[name] = value
        }
        for spec in specs where values[spec.name] == nil {
            values[spec.name] = spec.defaultValue
        }
        self.values = values
    }

    /// The value of an option as text (its default when not given).
    public subscript(name: String) -> String? {
        values[name]
    }

    /// The value of an integer option.
    public func integer(_ name: String) -> Int? {
        values[name].flatMap(Int.init)
    }

    /// The value of a boolean option.
    public func bool(_ name: String) -> Bool? {
        values[name].map { $0 == "true" }
    }
}
