/// A sink could not be chosen, configured or written. Each case carries what happened;
/// ``kind`` is the failure class (the command line gives each class one exit code), and
/// ``description`` says it in one line without naming any command-line option.
public enum SinkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The failure classes.
    public enum Kind: Sendable, Equatable {
        /// The format, its options or the layout were asked for wrongly, or the format cannot
        /// hold what the export asks of it (a column name, a second table).
        case usage
        /// A value the format cannot hold, where it cannot be written as null.
        case data
        /// The output could not be created or written (a full disk, permissions, a library
        /// failure).
        case output
    }

    // MARK: Choosing a format and laying out files

    /// No registered format has this name.
    case unknownFormat(String, known: [String])
    /// No registered format claims the path's extension.
    case formatNotInferable(path: String, known: [String])
    /// The path's extension belongs to another format than the one chosen.
    case extensionMismatch(path: String, extensionFormat: String, format: String)
    /// Several tables were asked of a format that holds one table per file, in one file.
    case oneTablePerFile(format: String, tables: [String])
    /// Appending was asked of a format that cannot append.
    case appendUnsupported(format: String)
    /// Appending and replacing were both asked for.
    case appendWithOverwrite
    /// A format with this name is already registered.
    case formatNameTaken(String)
    /// An extension is claimed by two formats.
    case extensionTaken(String, first: String, second: String)

    // MARK: Options

    /// An option assignment that is not `name=value`.
    case optionSyntax(String)
    /// The format has no option of this name.
    case unknownOption(format: String, name: String, known: [String])
    /// An option is given twice.
    case repeatedOption(String)
    /// An option's value is not one its kind allows.
    case optionValue(name: String, value: String, expected: SinkOptionSpec.Kind)
    /// Option values that are each valid but do not go together; `detail` says why.
    case optionCombination(format: String, detail: String)

    // MARK: What a sink cannot hold

    /// A column name the format cannot hold (a NUL in a C-string identifier, a name taken by
    /// the format's own companion column).
    case columnNameNotHeld(format: String, column: String, reason: String)
    /// A layout that needs expanded feature columns got none.
    case needsExpandedFeatures(format: String, layout: String)
    /// A second table for a file that holds one.
    case tableLimit(format: String, path: String, holding: String)
    /// A value the format cannot hold.
    case valueNotHeld(format: String, table: String, column: String, value: String, reason: String)

    // MARK: Files

    /// The output exists and may not be replaced; `canAppend` says whether appending could add to it.
    case outputExists(path: String, canAppend: Bool)
    /// The output's directory does not exist.
    case directoryMissing(path: String, directory: String)
    /// A directory has the output's name.
    case outputIsDirectory(path: String)
    /// The output's directory is not writable.
    case notWritable(directory: String)
    /// The output directory cannot be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// Writing the output failed; `action` says what the sink was doing, if it knows.
    case write(path: String, action: String?, reason: String)
    /// An existing output cannot take the rows appended to it.
    case appendMismatch(path: String, table: String, detail: String)
    /// The staged file of an output vanished before it could be renamed.
    case stagedFileMissing(staged: String, path: String)
    /// Renaming the finished output to its final name failed.
    case rename(path: String, reason: String)
    /// A writer was called out of the contract's order (a bug in the caller).
    case callOrder(String)

    // MARK: Plugins

    /// A sink loaded from a plugin reported a failure of class `kind` with its own `message`.
    case plugin(format: String, path: String, kind: Kind, message: String)

    /// The failure class.
    public var kind: Kind {
        switch self {
        case .plugin(_, _, let kind, _):
            return kind
        case .unknownFormat, .formatNotInferable, .extensionMismatch, .oneTablePerFile, .appendUnsupported,
             .appendWithOverwrite, .formatNameTaken, .extensionTaken, .optionSyntax, .unknownOption, .repeatedOption,
             .optionValue, .optionCombination, .columnNameNotHeld, .needsExpandedFeatures, .tableLimit:
            return .usage
        case .valueNotHeld:
            return .data
        case .outputExists, .directoryMissing, .outputIsDirectory, .notWritable, .cannotCreateDirectory, .write,
             .appendMismatch, .stagedFileMissing, .rename, .callOrder:
            return .output
        }
    }

    /// One line for the user.
    public var description: String {
        switch self {
        case .unknownFormat(let name, let known):
            return "unknown format \"\(name)\"; choose one of \(known.joined(separator: ", "))"
        case .formatNotInferable(let path, let known):
            return "cannot tell the format of \"\(path)\" from its extension; name one of \(known.joined(separator: ", "))"
        case .extensionMismatch(let path, let extensionFormat, let format):
            return "\(path) has the extension of \(extensionFormat), but the format is \(format)"
        case .oneTablePerFile(let format, let tables):
            return "\(format) holds one table per file: \(tables.joined(separator: " and ")) need a directory"
        case .appendUnsupported(let format):
            return "\(format) cannot add to an existing file"
        case .appendWithOverwrite:
            return "appending to an output and replacing it cannot be asked together"
        case .formatNameTaken(let name):
            return "a format named \(name) is already registered"
        case .extensionTaken(let ext, let first, let second):
            return "the extension .\(ext) is claimed by both \(first) and \(second)"
        case .optionSyntax(let assignment):
            return "the option \"\(assignment)\" needs the form name=value"
        case .unknownOption(let format, let name, let known):
            return "the \(format) format has no option \"\(name)\"" + (known.isEmpty ? "" : "; it takes: \(known.joined(separator: ", "))")
        case .repeatedOption(let name):
            return "the option \(name) is given twice"
        case .optionValue(let name, let value, let expected):
            switch expected {
            case .bool: return "option \(name) takes true or false, not \"\(value)\""
            case .integer(let range): return "option \(name) takes an integer from \(range.lowerBound) to \(range.upperBound), not \"\(value)\""
            case .choice(let words): return "option \(name) takes one of \(words.joined(separator: ", ")), not \"\(value)\""
            }
        case .optionCombination(let format, let detail):
            return "the \(format) options do not go together: \(detail)"
        case .columnNameNotHeld(let format, let column, let reason):
            return "\(format) cannot hold the column name \(column.debugDescription): \(reason)"
        case .needsExpandedFeatures(let format, let layout):
            return "the \(layout) layout of \(format) needs expanded feature columns"
        case .tableLimit(let format, let path, let holding):
            return "\(format) holds one table per file; \(path) already holds \(holding)"
        case .valueNotHeld(_, let table, let column, let value, let reason):
            return "\(table), column \(MessageText.shown(column)): \(value.debugDescription) \(reason)"
        case .outputExists(let path, _):
            return "\(path) already exists"
        case .directoryMissing(let path, let directory):
            return "cannot write \(path): the directory \(directory) does not exist"
        case .outputIsDirectory(let path):
            return "cannot write \(path): a directory has that name"
        case .notWritable(let directory):
            return "cannot write in \(directory): permission denied"
        case .cannotCreateDirectory(let path, let reason):
            return "cannot create the output directory \(path): \(reason)"
        case .write(let path, let action, let reason):
            return "cannot write \(path)" + (action.map { " (\($0))" } ?? "") + ": \(reason)"
        case .appendMismatch(let path, let table, let detail):
            return "cannot append to \(table) in \(path): \(detail)"
        case .stagedFileMissing(let staged, let path):
            return "the staged output \(staged) for \(path) is missing"
        case .rename(let path, let reason):
            return "cannot move the finished output to \(path): \(reason)"
        case .callOrder(let what):
            return "a writer was called out of order: \(what)"
        case .plugin(let format, let path, _, let message):
            return "\(path): \(message) (the \(format) plugin)"
        }
    }
}
