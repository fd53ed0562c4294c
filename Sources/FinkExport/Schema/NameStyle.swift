/// How output column names are written.
public enum NameStyle: String, Sendable, CaseIterable, Codable {
    /// Exactly the API's names, namespace included (`i:magpsf`).
    case fink
    /// The namespace dropped (`magpsf`); two columns that then share a name are an error.
    case plain

    /// The output name for a Fink column name.
    public func apply(to name: String) -> String {
        switch self {
        case .fink:
            return name
        case .plain:
            // Only a one-letter namespace is a Fink namespace; other colons are part of the name.
            guard let colon = name.firstIndex(of: ":"),
                  name.distance(from: name.startIndex, to: colon) == 1 else { return name }
            return String(name[name.index(after: colon)...])
        }
    }
}
