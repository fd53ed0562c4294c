import Foundation

/// The API's answers of one export, kept on disk as they arrive, so a resumed export can finish an
/// interrupted export without asking again for what was already received.
///
/// It is a hidden directory beside the first output (`.<name>.resume/`): a manifest naming the
/// requests it belongs to, the anomaly answer, and one file per objects batch. A file is
/// written under a temporary name and renamed, so a kill leaves only whole answers. The output
/// itself is always written afresh from these answers: whatever the format, a resumed export
/// produces exactly the rows of an uninterrupted one.
package final class AnswerSpool: @unchecked Sendable {
    /// What identifies the answers: the same requests give the same batches.
    package struct Manifest: Codable, Equatable, Sendable {
        /// The layout of this directory.
        package var version = 1
        /// The API base URL.
        package var baseURL: String
        /// The anomaly request's arguments, as sent.
        package var anomalyArguments: String
        /// The objects requests' arguments besides the ids (columns, upper limits), as sent.
        package var objectsArguments: String
        /// Object ids per objects request.
        package var batchSize: Int

        /// The manifest of the requests `query` makes through `client`, `batchSize` ids at a time.
        package init(client: FinkClient, query: FinkQuery, batchSize: Int) {
            baseURL = client.baseURL.absoluteString
            anomalyArguments = String(decoding: JSONArgument.body(query.anomalyArguments), as: UTF8.self)
            var objects = query.objectsArguments(objectIds: [])
            objects["objectId"] = nil
            objectsArguments = String(decoding: JSONArgument.body(objects), as: UTF8.self)
            self.batchSize = batchSize
        }
    }

    /// The directory.
    package let directory: URL
    private let fileManager = FileManager.default
    /// The thread that ``keep(_:as:)`` writes on, started by its first call.
    private var keeper: WriterThread?
    private let keeperLock = NSLock()
    /// Deletes the objects answers once all are in hand, if armed (``removeOnceInHand(_:)``).
    private let earlyRemoval: EarlyAnswerRemoval
    /// Held while an answer's files are written or deleted, so the two never interleave.
    private let answerFiles = NSLock()

    /// The spool of the export whose first output file is `firstOutput`.
    package init(besideOutput firstOutput: URL) {
        let directory = firstOutput.deletingLastPathComponent()
            .appendingPathComponent(".\(firstOutput.lastPathComponent).resume", isDirectory: true)
        self.directory = directory
        earlyRemoval = EarlyAnswerRemoval { [answerFiles] name in
            answerFiles.withLock { Self.deleteAnswer(name, in: directory) }
        }
    }

    /// Whether answers of an earlier export are kept here.
    package var exists: Bool {
        fileManager.fileExists(atPath: directory.appendingPathComponent("manifest.json").path)
    }

    /// Whether at least one whole answer is kept (otherwise there is nothing to resume).
    package var holdsAnswers: Bool {
        let names = (try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.contains { $0.hasSuffix(".request.json") }
    }

    /// The manifest of the answers kept here.
    package func manifest() throws -> Manifest {
        let url = directory.appendingPathComponent("manifest.json")
        do {
            return try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url))
        } catch {
            throw ResumeError.unreadable(directory: directory.path, answer: nil, reason: error.localizedDescription)
        }
    }

    /// Starts an empty spool for `manifest`, replacing what was there.
    package func create(_ manifest: Manifest) throws {
        removeDirectory()
        do {
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: false)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try write(encoder.encode(manifest), to: "manifest.json")
        } catch let error as ResumeError {
            throw error
        } catch {
            throw ResumeError.cannotKeep(directory: directory.path, reason: error.localizedDescription)
        }
    }

    /// Keeps an answer under `name` (`anomalies`, `objects-000012`).
    package func save(_ fetched: FetchedBody, as name: String) throws {
        try write(fetched.body, to: name + ".json")
        try write(JSONEncoder().encode(fetched.request), to: name + ".request.json")
    }

    /// Keeps an answer as ``save(_:as:)`` does, on a thread of the spool's own, one answer at a
    /// time. A direct write waits for the device (0.3–0.9 s per 500 MB here), and a task waiting
    /// there would hold one of the concurrency pool's threads, one per core, that parse the other
    /// answers meanwhile.
    ///
    /// The answer is in hand from this call on (its body is in memory), if ``received(_:)`` did
    /// not say so already: once every answer armed by ``removeOnceInHand(_:)`` is, the answers
    /// not yet written are not written at all, since they would be deleted right after.
    package func keep(_ fetched: FetchedBody, as name: String) async throws {
        let thread = keeperLock.withLock {
            if keeper == nil { keeper = WriterThread() }
            return keeper!
        }
        earlyRemoval.inHand(name)
        try await thread.perform { [self] in
            try answerFiles.withLock {
                if earlyRemoval.isRemoving(name) { return }
                try save(fetched, as: name)
            }
        }
    }

    /// The answer `name` has been received whole and is in memory: said before ``keep(_:as:)``'s
    /// task starts (it waits for a free thread while both parse), so the last answer's arrival
    /// starts the early removal at once.
    package func received(_ name: String) {
        earlyRemoval.inHand(name)
    }

    /// Deletes the answers `names` (objects answers, in the order given) as soon as every one of
    /// them has been received or read back in this run, while the export still reads and writes
    /// the last ones (``EarlyAnswerRemoval``). Call it before the first of them is fetched.
    package func removeOnceInHand(_ names: [String]) {
        earlyRemoval.arm(names)
    }

    /// Ends the deletion ``removeOnceInHand(_:)`` started, if any: the answers it has not reached
    /// stay (for `--resume`, after a failure).
    package func stopEarlyRemoval() {
        earlyRemoval.stop()
    }

    /// Deletes one kept answer: its request record first, so that a kill between the two leaves
    /// a body that ``load(_:)`` ignores (the answer is asked for again), never a record without it.
    static func deleteAnswer(_ name: String, in directory: URL) {
        unlink(directory.appendingPathComponent(name + ".request.json").path)
        unlink(directory.appendingPathComponent(name + ".json").path)
    }

    deinit {
        keeper?.stop()
    }

    /// The answer kept under `name`, if it was saved whole.
    package func load(_ name: String) throws -> FetchedBody? {
        let requestURL = directory.appendingPathComponent(name + ".request.json")
        // The request is written after the body, so its presence means the body is whole.
        guard fileManager.fileExists(atPath: requestURL.path) else { return nil }
        do {
            let request = try JSONDecoder().decode(RequestRecord.self, from: Data(contentsOf: requestURL))
            let body = try Data(contentsOf: directory.appendingPathComponent(name + ".json"))
            earlyRemoval.inHand(name)
            return FetchedBody(request: request, body: body, attempts: 0)
        } catch {
            throw ResumeError.unreadable(directory: directory.path, answer: name, reason: error.localizedDescription)
        }
    }

    /// The name of the objects answer of batch `index`.
    package static func objectsName(_ index: Int) -> String {
        "objects-" + String(format: "%06d", index)
    }

    /// Deletes the spool (after success, or when starting over), and what an interrupted
    /// deletion left.
    ///
    /// The directory is renamed out of the way first: its files go one by one, which takes up to
    /// half a second for a 500 MB spool on a disk that trims what is freed, and a spool killed
    /// part-way through would hold requests whose answers are gone, which `--resume` cannot read.
    /// Renamed, a killed deletion leaves no spool (the export starts over, as a kill just before
    /// the renames should) and a leftover the next export's `remove` deletes.
    ///
    /// - Parameter delete: removes a directory with its files; replaceable, so that a test can
    ///   stop it part-way as a kill would.
    package func remove(deleting delete: (URL) -> Void = { try? FileManager.default.removeItem(at: $0) }) {
        earlyRemoval.stop()
        removeDirectory(deleting: delete)
    }

    /// ``remove(deleting:)`` without ending the early removal: the start of a new spool.
    private func removeDirectory(deleting delete: (URL) -> Void = { try? FileManager.default.removeItem(at: $0) }) {
        let parent = directory.deletingLastPathComponent()
        let leftoverPrefix = directory.lastPathComponent + ".removing-"
        let doomed = parent.appendingPathComponent(leftoverPrefix + String(UInt32.random(in: 0 ... .max)))
        if rename(directory.path, doomed.path) == 0 {
            delete(doomed)
        } else if errno != ENOENT {
            delete(directory)
        }
        // Exports to one output do not run at once (each replaces the other's spool), so a
        // leftover is a killed deletion's.
        for name in (try? fileManager.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(leftoverPrefix) {
            delete(parent.appendingPathComponent(name))
        }
    }

    private func write(_ data: Data, to name: String) throws {
        let target = directory.appendingPathComponent(name)
        let temporary = directory.appendingPathComponent(".\(name).tmp-\(UInt32.random(in: 0 ... .max))")
        // POSIX calls, for the errno of a full disk or a file-size limit in the message.
        func failure(_ code: Int32 = errno) -> ResumeError {
            let reason = String(cString: strerror(code))
            unlink(temporary.path)
            return ResumeError.cannotKeep(directory: directory.path, reason: reason)
        }
        if case .failed(let code) = UncachedFileWrite.write(data, to: temporary.path) { throw failure(code) }
        guard rename(temporary.path, target.path) == 0 else { throw failure() }
    }
}
