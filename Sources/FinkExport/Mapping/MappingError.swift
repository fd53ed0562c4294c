/// A problem with the data or with the requested columns, found while mapping rows.
public struct MappingError: Error, Equatable, CustomStringConvertible {
    /// One line for the user.
    public let description: String

    /// Creates an error with its message.
    public init(_ description: String) {
        self.description = description
    }

    static func nameCollision(_ first: String, _ second: String, name: String) -> MappingError {
        MappingError("columns \(first) and \(second) would both be written as \"\(name)\"; use --names fink or select one of them with --columns")
    }
}
