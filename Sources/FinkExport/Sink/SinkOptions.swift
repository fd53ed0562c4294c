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
                throw SinkError.usage("--option \"\(assignment)\" needs the form name=value")
            }
            let name = String(assignment[..<equals])
            let value = String(assignment[assignment.index(after: equals)...])
            guard let spec = specs.first(where: { $0.name == name }) else {
                let known = specs.map(\.name).joined(separator: ", ")
                throw SinkError.usage("the \(format) format has no option \"\(name)\"" + (known.isEmpty ? "" : "; it takes: \(known)"))
            }
            guard values[name] == nil else { throw SinkError.usage("--option \(name) is given twice") }
            switch spec.kind {
            case .bool:
                guard value == "true" || value == "false" else {
                    throw SinkError.usage("option \(name) takes true or false, not \"\(value)\"")
                }
            case .integer(let range):
                guard let number = Int(value), range.contains(number) else {
                    throw SinkError.usage("option \(name) takes an integer from \(range.lowerBound) to \(range.upperBound), not \"\(value)\"")
                }
            case .choice(let words):
                guard words.contains(value) else {
                    throw SinkError.usage("option \(name) takes one of \(words.joined(separator: ", ")), not \"\(value)\"")
                }
            }
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
