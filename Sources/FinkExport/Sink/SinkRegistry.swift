/// The formats an export can be written in, found by name or by a path's extension.
public struct SinkRegistry: Sendable {
    /// The registered formats, in registration order.
    public private(set) var formats: [any SinkFormat] = []

    /// Creates a registry holding `formats`.
    public init(_ formats: [any SinkFormat] = []) throws {
        for format in formats { try register(format) }
    }

    /// Adds a format.
    ///
    /// - Throws: ``SinkError/formatNameTaken(_:)`` or ``SinkError/extensionTaken(_:first:second:)``.
    public mutating func register(_ format: any SinkFormat) throws {
        let descriptor = format.descriptor
        for existing in formats.map(\.descriptor) {
            if existing.name == descriptor.name {
                throw SinkError.formatNameTaken(descriptor.name)
            }
            if let shared = existing.extensions.first(where: descriptor.extensions.contains) {
                throw SinkError.extensionTaken(shared, first: existing.name, second: descriptor.name)
            }
        }
        formats.append(format)
    }

    /// The format called `name` (case-insensitive).
    public func format(named name: String) -> (any SinkFormat)? {
        formats.first { $0.descriptor.name.lowercased() == name.lowercased() }
    }

    /// The format whose extension ends `path`, the longest match winning (`x.csv.gz` is
    /// gzip-compressed CSV, not an unknown `.gz`).
    public func format(forPath path: String) -> (format: any SinkFormat, extension: String)? {
        let lowered = path.lowercased()
        var best: (format: any SinkFormat, extension: String)?
        for format in formats {
            for ext in format.descriptor.extensions where lowered.hasSuffix("." + ext) {
                if best == nil || ext.count > best!.extension.count { best = (format, ext) }
            }
        }
        return best
    }

    /// The names of all formats, for messages.
    public var names: [String] { formats.map(\.descriptor.name) }
}
