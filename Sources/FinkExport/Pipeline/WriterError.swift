/// A writer failed. It names the table and the step the writer was in; ``underlying`` is
/// the sink's own error (usually a ``SinkError``).
///
/// Writes overlap reading, so the failure may be thrown at a later hand-off than the write
/// that failed; it still names that write's table.
public struct WriterError: Error, CustomStringConvertible {
    /// What the writer was doing.
    public enum Step: String, Sendable, Equatable {
        /// Creating the writer (`SinkFormat.makeWriter`).
        case open
        /// `beginTable`.
        case beginTable
        /// `write`.
        case write
        /// `endTable`.
        case endTable
        /// `finish`.
        case finish
    }

    /// The table being written; nil while opening or finishing a file.
    public let table: String?
    /// The step that failed.
    public let step: Step
    /// The sink's error.
    public let underlying: Error

    /// The sink's own message.
    public var description: String { "\(underlying)" }
}
