/// How many tables one output file can hold.
public enum TablesPerFile: String, Sendable, Codable {
    /// One table per file: two tables go to a directory.
    case one
    /// Any number of tables in one file.
    case many
}

/// What a sink can do, as `fink-export formats` lists it.
public struct SinkCapabilities: Sendable, Equatable {
    /// Tables per file.
    public var tablesPerFile: TablesPerFile
    /// Whether rows can be added to an existing output.
    public var supportsAppend: Bool
    /// The compression methods offered, besides none.
    public var compression: [String]

    /// Creates a capability set.
    public init(tablesPerFile: TablesPerFile, supportsAppend: Bool = false, compression: [String] = []) {
        self.tablesPerFile = tablesPerFile
        self.supportsAppend = supportsAppend
        self.compression = compression
    }
}

/// One option a sink accepts, given as `name=value`.
public struct SinkOptionSpec: Sendable, Equatable {
    /// The kind of value an option takes.
    public enum Kind: Sendable, Equatable {
        /// `true` or `false`.
        case bool
        /// An integer within a range.
        case integer(ClosedRange<Int>)
        /// One of a fixed set of words.
        case choice([String])

        /// How the kind is shown to the user.
        public var summary: String {
            switch self {
            case .bool: return "bool"
            case .integer(let range): return "int \(range.lowerBound)…\(range.upperBound)"
            case .choice(let words): return words.joined(separator: "|")
            }
        }
    }

    /// The option's name.
    public var name: String
    /// The values it takes.
    public var kind: Kind
    /// The value used when the option is not given, as text; `auto` may mean "from the path".
    public var defaultValue: String
    /// One line of help.
    public var help: String

    /// Creates an option description.
    public init(name: String, kind: Kind, defaultValue: String, help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// Everything the registry and the user know about a sink.
public struct SinkDescriptor: Sendable, Equatable {
    /// The name that chooses the format (`csv`).
    public var name: String
    /// A one-line title.
    public var title: String
    /// File extensions that select the sink, without the dot, longest first (`csv.gz`, `csv`).
    public var extensions: [String]
    /// What the sink can do.
    public var capabilities: SinkCapabilities
    /// The options it accepts.
    public var options: [SinkOptionSpec]

    /// Creates a descriptor.
    public init(name: String, title: String, extensions: [String], capabilities: SinkCapabilities,
                options: [SinkOptionSpec] = []) {
        self.name = name
        self.title = title
        self.extensions = extensions
        self.capabilities = capabilities
        self.options = options
    }
}
