import ArgumentParser
import FinkExport

/// The exit codes scripts can rely on (documented in the README): one per failure class.
enum ExitCodes {
    /// Bad arguments or options, or something a format cannot hold (sysexits EX_USAGE).
    static let usage: Int32 = 64
    /// The data could not be read or mapped (EX_DATAERR).
    static let data: Int32 = 65
    /// The API could not be reached or refused a request (EX_UNAVAILABLE).
    static let network: Int32 = 69
    /// An internal error (EX_SOFTWARE).
    static let internalError: Int32 = 70
    /// The output could not be written (EX_CANTCREAT).
    static let output: Int32 = 73
    /// Interrupted by the user (128 + SIGINT).
    static let interrupted: Int32 = 130

    /// The exit code and one-line message for an error.
    static func classify(_ error: Error) -> (code: Int32, message: String) {
        switch error {
        case let error as ResumableFailure:
            let (code, message) = classify(error.underlying)
            // Not "every answer received": once all are in, they are deleted as the export ends.
            return (code, message + "; run the same command with --resume to continue: it asks the API only for the answers not kept")
        case let error as WriterError: return classify(error.underlying)
        case let error as ValidationError: return (usage, error.message)
        case let error as QueryError: return (usage, Messages.text(error))
        case let error as MappingError: return (data, Messages.text(error))
        case let error as DataError: return (data, Messages.text(error))
        case let error as SavedAnswerError: return (usage, error.description)
        case let error as SchemaCheckFailure: return (data, error.description)
        case let error as FinkAPIError: return (network, error.description)
        case let error as TransportError: return (network, error.description)
        case let error as ResumeError:
            if case .cannotKeep = error { return (output, Messages.text(error)) }
            return (usage, Messages.text(error))
        case let error as SinkError:
            switch error.kind {
            case .usage: return (usage, Messages.text(error))
            case .data: return (data, Messages.text(error))
            case .output: return (output, Messages.text(error))
            }
        case is CancellationError: return (interrupted, "interrupted; no output was written")
        default: return (internalError, "\(error)")
        }
    }
}
