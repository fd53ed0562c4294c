import Foundation

/// What to ask the Fink API for.
public struct FinkQuery: Sendable, Equatable {
    /// How many anomalous alerts (`n`).
    public var count: Int
    /// The first UTC day (or instant), `YYYY-MM-DD[THH:MM[:SS[.fff]]]`; nil for the API's default.
    public var startDate: String?
    /// The last UTC day, included whole; nil for the API's default (now).
    public var stopDate: String?
    /// The `columns` argument; nil for every column.
    public var columns: [String]?
    /// Whether the objects step also asks for upper limits (`withupperlim`).
    public var withUpperLimits: Bool

    /// Creates a query; the defaults are the API's.
    public init(count: Int = 10, startDate: String? = nil, stopDate: String? = nil,
                columns: [String]? = nil, withUpperLimits: Bool = false) {
        self.count = count
        self.startDate = startDate
        self.stopDate = stopDate
        self.columns = columns
        self.withUpperLimits = withUpperLimits
    }

    /// The JSON body of the anomaly request.
    public var anomalyArguments: [String: JSONArgument] {
        var arguments: [String: JSONArgument] = ["n": .integer(count), "output-format": .string("json")]
        if let startDate { arguments["start_date"] = .string(startDate) }
        if let stopDate { arguments["stop_date"] = .string(stopDate) }
        if let columns { arguments["columns"] = .string(columns.joined(separator: ",")) }
        return arguments
    }

    /// The JSON body of one objects request.
    public func objectsArguments(objectIds: [String]) -> [String: JSONArgument] {
        var arguments: [String: JSONArgument] = [
            "objectId": .string(objectIds.joined(separator: ",")), "output-format": .string("json"),
        ]
        if let columns { arguments["columns"] = .string(columns.joined(separator: ",")) }
        if withUpperLimits { arguments["withupperlim"] = .bool(true) }
        return arguments
    }
}

/// A value in a request body.
public enum JSONArgument: Sendable, Equatable, Encodable {
    /// A string.
    case string(String)
    /// An integer.
    case integer(Int)
    /// A boolean.
    case bool(Bool)

    /// Encodes the bare value.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }

    /// A request body with sorted keys, so the same query is always the same bytes.
    public static func body(_ arguments: [String: JSONArgument]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(arguments)) ?? Data("{}".utf8)
    }
}
