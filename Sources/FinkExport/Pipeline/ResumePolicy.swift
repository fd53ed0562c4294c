import Foundation

/// When an export keeps the API's answers beside its output, when it reads answers an
/// interrupted export kept, and when a failure leaves them for another try.
package struct ResumePolicy: Sendable {
    /// Whether answers kept by an interrupted export of the same requests are read.
    package var resume: Bool
    /// Whether this export keeps its answers until it succeeds.
    package var keepAnswers: Bool

    /// The spool for an export whose first output is `firstOutput`: with ``resume``, the one
    /// an interrupted run of the same requests kept; otherwise a new one (an old one is
    /// replaced), or none without ``keepAnswers``.
    ///
    /// - Throws: ``ResumeError`` when the kept answers belong to other requests, cannot be
    ///   read, or a new spool cannot be made.
    package func openSpool(besideOutput firstOutput: URL, for manifest: AnswerSpool.Manifest,
                           notice: (ExportNotice) -> Void) throws -> AnswerSpool? {
        let spool = AnswerSpool(besideOutput: firstOutput)
        if spool.exists {
            if resume {
                let saved = try spool.manifest()
                if let difference = Self.difference(saved, manifest) {
                    throw ResumeError.otherRequests(output: firstOutput.path, difference: difference)
                }
                notice(.resuming(directory: spool.directory.path))
                return spool
            }
            notice(.startingOver(output: firstOutput.path))
        } else if resume {
            notice(.nothingToResume(output: firstOutput.path))
        }
        guard keepAnswers else {
            spool.remove()
            return nil
        }
        try spool.create(manifest)
        return spool
    }

    /// Refuses to resume an export that finished: every one of its `outputs` is there, no
    /// answers are kept beside the first, and this run would not replace or add to them
    /// (starting over would only end in "already exists").
    ///
    /// - Throws: ``ResumeError/alreadyFinished(output:)``.
    package func refuseFinished(outputs: [URL], replacingOrAdding: Bool) throws {
        guard resume, !replacingOrAdding, let first = outputs.first, !AnswerSpool(besideOutput: first).exists,
              outputs.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) else { return }
        throw ResumeError.alreadyFinished(output: first.path)
    }

    /// What to throw after `error`: a ``ResumableFailure`` when another try could get past
    /// it and answers are kept (they stay); otherwise `error`, and the kept answers go.
    package static func outcome(of error: Error, spool: AnswerSpool?) -> Error {
        spool?.stopEarlyRemoval()
        if let spool, canResume(after: error), spool.holdsAnswers {
            return ResumableFailure(underlying: error, spool: spool.directory)
        }
        spool?.remove()
        return error
    }

    /// Failures another try may get past (an interruption, the network, the server, the
    /// disk); a bad answer, a refused request or a wrong setting would fail the same way.
    package static func canResume(after error: Error) -> Bool {
        switch error {
        case is CancellationError, is TransportError: return true
        case let error as FinkAPIError:
            guard let status = error.status else { return true }
            return status >= 500 || status == 408 || status == 429
        case let error as WriterError: return canResume(after: error.underlying)
        case let error as SinkError: return error.kind == .output
        case ResumeError.cannotKeep: return true
        default: return false
        }
    }

    private static func difference(_ saved: AnswerSpool.Manifest, _ now: AnswerSpool.Manifest) -> RequestDifference? {
        if saved.baseURL != now.baseURL { return .baseURL(saved: saved.baseURL, now: now.baseURL) }
        if saved.batchSize != now.batchSize { return .batchSize(saved: saved.batchSize, now: now.batchSize) }
        if saved.objectsArguments != now.objectsArguments {
            return .objectsArguments(saved: saved.objectsArguments, now: now.objectsArguments)
        }
        if saved.anomalyArguments != now.anomalyArguments {
            return .anomalyArguments(saved: saved.anomalyArguments, now: now.anomalyArguments)
        }
        return saved.version == now.version ? nil : .spoolVersion(saved: saved.version, now: now.version)
    }
}

/// An export that failed in a way another try may get past, with the answers received so
/// far kept for resuming.
public struct ResumableFailure: Error, CustomStringConvertible {
    /// What stopped the export.
    public let underlying: Error
    /// Where the answers are kept.
    public let spool: URL

    /// The underlying error's message.
    public var description: String { "\(underlying)" }
}
