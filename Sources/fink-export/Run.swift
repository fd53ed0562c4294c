import ArgumentParser
import FinkExport
import Foundation

/// Builds a pipeline and runs it with progress, Ctrl-C handling and one-line errors, exiting
/// with the documented code when building or running fails.
func runPipeline(quiet: Bool, _ build: () throws -> ExportPipeline) async throws {
    let terminal = Terminal(quiet: quiet)
    let pipeline: ExportPipeline
    do {
        pipeline = try build()
    } catch {
        throw fail(error, terminal: terminal)
    }
    let task = Task { try await pipeline.run(progress: terminal.progress, notice: { terminal.notice(Messages.text($0)) }) }
    let interrupt = installInterruptHandler(task: task, layout: pipeline.layout, terminal: terminal)
    defer { interrupt.cancel() }
    do {
        let summary = try await task.value
        terminal.summary(summary)
        for warning in summary.warnings { terminal.warning(Messages.text(warning)) }
    } catch {
        throw fail(error, terminal: terminal)
    }
}

/// Prints the one-line error and returns the exit code to throw.
private func fail(_ error: Error, terminal: Terminal) -> ExitCode {
    let (code, message) = ExitCodes.classify(error)
    terminal.error(message)
    return ExitCode(code)
}

/// On Ctrl-C, cancels the export; if it has not stopped within two seconds, removes this
/// process's staged files itself and exits.
private func installInterruptHandler(task: Task<ExportSummary, Error>, layout: OutputLayout,
                                     terminal: Terminal) -> DispatchSourceSignal {
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    let queue = DispatchQueue(label: "fink-export.signals")
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: queue)
    let directories = Set(layout.files.values.map { $0.deletingLastPathComponent().path })
    let handler: @Sendable () -> Void = {
        // The deadline is set first, on another queue, so nothing the cancellation does (or
        // waits for) can keep the process from ending.
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) {
            removeStagedFiles(in: directories)
            terminal.error("interrupted; no output was written")
            exit(ExitCodes.interrupted)
        }
        DispatchQueue.global().async { task.cancel() }
    }
    source.setEventHandler(handler: handler)
    source.resume()
    let termination = DispatchSource.makeSignalSource(signal: SIGTERM, queue: queue)
    termination.setEventHandler(handler: handler)
    termination.resume()
    terminationSource = termination
    return source
}

nonisolated(unsafe) private var terminationSource: DispatchSourceSignal?

/// Removes `.<name>.partial-<this pid>-*` files: the staged outputs of this process.
private func removeStagedFiles(in directories: Set<String>) {
    let marker = ".partial-\(ProcessInfo.processInfo.processIdentifier)-"
    for directory in directories {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix(".") && name.contains(marker) {
            unlink((directory as NSString).appendingPathComponent(name))
        }
    }
}
