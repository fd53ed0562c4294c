import Foundation

/// Keeps every output file under a temporary name until the export is complete, then renames
/// them all; on failure it removes them. A failed or interrupted export leaves no new file under
/// a final name: when a rename fails part-way through a multi-file commit, the files renamed
/// before it are put back as they were (on file systems without hard links, a replaced file
/// cannot be, and the new one stays); only a kill in the middle of the renames leaves a mix.
package final class OutputStaging: @unchecked Sendable {
    private let lock = NSLock()
    private var staged: [(staging: URL, final: URL)] = []
    private var scratch: [URL] = []
    private let overwrite: Bool
    private let canAppend: Bool

    /// Creates a staging area; with `overwrite` false, existing final files are an error.
    /// `canAppend` says in that error whether the format could append instead.
    package init(overwrite: Bool, canAppend: Bool = false) {
        self.overwrite = overwrite
        self.canAppend = canAppend
    }

    /// Reserves `finalURL` and returns the temporary path to write instead.
    package func stage(_ finalURL: URL) throws -> URL {
        let directory = finalURL.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SinkError.directoryMissing(path: finalURL.path, directory: directory.path)
        }
        if FileManager.default.fileExists(atPath: finalURL.path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw SinkError.outputIsDirectory(path: finalURL.path)
            }
            if !overwrite {
                throw SinkError.outputExists(path: finalURL.path, canAppend: canAppend)
            }
        }
        guard FileManager.default.isWritableFile(atPath: directory.path) else {
            throw SinkError.notWritable(directory: directory.path)
        }
        Self.removeAbandonedStaging(of: finalURL)
        let stagingURL = directory.appendingPathComponent(Self.partialName(of: finalURL))
        lock.withLock { staged.append((stagingURL, finalURL)) }
        return stagingURL
    }

    /// Creates an empty directory beside `finalURL` for a writer's temporary files, removed
    /// with its contents at commit and at discard (and, after a kill, by the next export to
    /// the same name).
    package func scratchDirectory(for finalURL: URL) throws -> URL {
        let url = finalURL.deletingLastPathComponent().appendingPathComponent(Self.partialName(of: finalURL) + ".scratch")
        guard mkdir(url.path, 0o700) == 0 else {
            throw SinkError.write(path: finalURL.path, action: "creating a scratch directory", reason: String(cString: strerror(errno)))
        }
        lock.withLock { scratch.append(url) }
        return url
    }

    /// `.<name>.partial-<pid>-<random>`: hidden, unique, and naming the process that owns it.
    private static func partialName(of finalURL: URL) -> String {
        ".\(finalURL.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max))"
    }

    /// Removes the scratch directories.
    private func removeScratch() {
        let directories = lock.withLock { () -> [URL] in
            defer { scratch.removeAll() }
            return scratch
        }
        for directory in directories { try? FileManager.default.removeItem(at: directory) }
    }

    /// Stages the main output file of a writer. With `appending`, an existing file is written
    /// in place (the sink keeps it consistent, for instance in one transaction); a missing
    /// one is staged as usual.
    package func destination(for finalURL: URL, appending: Bool = false) throws -> SinkDestination {
        var isDirectory: ObjCBool = false
        if appending && FileManager.default.fileExists(atPath: finalURL.path, isDirectory: &isDirectory) && !isDirectory.boolValue {
            return SinkDestination(finalURL: finalURL, stagingURL: finalURL, staging: self, appending: true)
        }
        return SinkDestination(finalURL: finalURL, stagingURL: try stage(finalURL), staging: self, appending: false)
    }

    /// Renames every staged file to its final name, all or none: when a rename fails, the files
    /// renamed before it are put back as they were (the file each replaced, or none), so a
    /// failed commit leaves the previous outputs, not a mix of old and new.
    package func commit() throws {
        let files = lock.withLock { staged }
        for file in files {
            guard FileManager.default.fileExists(atPath: file.staging.path) else {
                throw SinkError.stagedFileMissing(staged: file.staging.path, path: file.final.path)
            }
        }
        // Scratch first: the renames are the last step, so a kill after them leaves no trace.
        removeScratch()
        // A file about to be replaced keeps a second name (a hard link beside its staged
        // file, swept like one after a kill) until every rename has gone through.
        let before = files.map { Self.keepPrevious(of: $0) }
        for (index, file) in files.enumerated() {
            // rename(2) replaces atomically; FileManager.moveItem refuses an existing target.
            guard rename(file.staging.path, file.final.path) == 0 else {
                let reason = String(cString: strerror(errno))
                for (done, previous) in zip(files[..<index], before) {
                    switch previous {
                    case .none: unlink(done.final.path)
                    case .kept(let kept): rename(kept.path, done.final.path)
                    case .notKept: break // no hard links here: the new file stays
                    }
                }
                for case .kept(let kept) in before[index...] { unlink(kept.path) }
                discard()
                throw SinkError.rename(path: file.final.path, reason: reason)
            }
        }
        for case .kept(let kept) in before { unlink(kept.path) }
        lock.withLock { staged.removeAll() }
    }

    /// What a final name held before the commit.
    private enum Previous {
        /// Nothing (or a directory, which the rename will refuse).
        case none
        /// A file, now also under this name.
        case kept(URL)
        /// A file that could not be given a second name (a file system without hard links).
        case notKept
    }

    private static func keepPrevious(of file: (staging: URL, final: URL)) -> Previous {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.final.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return .none
        }
        let kept = URL(fileURLWithPath: file.staging.path + ".previous")
        return link(file.final.path, kept.path) == 0 ? .kept(kept) : .notKept
    }

    /// Removes staged files of `finalURL` left by processes that no longer run (a killed
    /// export cannot clean up after itself; the next export to the same name does it).
    static func removeAbandonedStaging(of finalURL: URL) {
        let directory = finalURL.deletingLastPathComponent().path
        let prefix = ".\(finalURL.lastPathComponent).partial-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }) else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                // A file, or a scratch directory with what it holds.
                try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
            }
        }
    }

    /// Removes every staged file that exists.
    package func discard() {
        let files = lock.withLock { staged }
        for file in files {
            unlink(file.staging.path)
        }
        lock.withLock { staged.removeAll() }
        removeScratch()
    }
}
