import FinkExport

/// Checks of the options a sink declares.
extension ConformanceCheck {
    /// Every default is a value its own spec accepts; an unknown name and a value outside a
    /// choice, a boolean or a range are refused with their typed errors.
    package static let options = ConformanceCheck("declared options: defaults accepted, bad names and values refused") { sink in
        let descriptor = sink.format.descriptor
        let specs = descriptor.options
        let parse = { (assignments: [String]) throws -> SinkOptions in
            try SinkOptions(assignments, specs: specs, format: descriptor.name)
        }
        for spec in specs {
            do {
                let parsed = try parse(["\(spec.name)=\(spec.defaultValue)"])
                guard parsed[spec.name] == spec.defaultValue else { throw ConformanceFailure(sink, "\(spec.name) does not keep its value") }
            } catch let error as SinkError {
                throw ConformanceFailure(sink, "the default \(spec.name)=\(spec.defaultValue) is refused: \(error)")
            }
        }
        let defaults = try parse([])
        for spec in specs where defaults[spec.name] != spec.defaultValue {
            throw ConformanceFailure(sink, "\(spec.name) is \(defaults[spec.name] ?? "unset") when not given, not its default \(spec.defaultValue)")
        }

        func expectRefused(_ assignment: String, _ isExpected: (SinkError) -> Bool) throws {
            switch Result(catching: { try parse([assignment]) }) {
            case .success: throw ConformanceFailure(sink, "\(assignment) was accepted")
            case .failure(let error as SinkError) where isExpected(error) && error.kind == .usage: break
            case .failure(let error): throw ConformanceFailure(sink, "\(assignment) was refused with \(error)")
            }
        }
        try expectRefused("no-such-option=1") { if case .unknownOption = $0 { return true } else { return false } }
        let isValueError: (SinkError) -> Bool = { if case .optionValue = $0 { return true } else { return false } }
        for spec in specs {
            switch spec.kind {
            case .choice(let words): try expectRefused("\(spec.name)=\(words.joined())-not-a-choice", isValueError)
            case .bool: try expectRefused("\(spec.name)=maybe", isValueError)
            case .integer(let range):
                if range.upperBound < Int.max { try expectRefused("\(spec.name)=\(range.upperBound + 1)", isValueError) }
                try expectRefused("\(spec.name)=twelve", isValueError)
            }
        }
    }
}
