import FinkExport
import Foundation

/// Everything the CLI prints: the progress line, warnings, errors and the summary.
final class Terminal: @unchecked Sendable {
    private let quiet: Bool
    private let interactive: Bool
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var lineShown = false

    init(quiet: Bool) {
        self.quiet = quiet
        interactive = isatty(STDERR_FILENO) == 1
    }

    /// Redraws the progress line at most ten times a second, on a terminal only.
    func progress(_ progress: ExportProgress) {
        guard !quiet, interactive else { return }
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            let megabytes = Double(progress.bytes) / 1_000_000
            let rate = progress.elapsed > 0 ? megabytes / progress.elapsed : 0
            var line = "\(progress.table.rawValue): \(Self.grouped(progress.rows)) rows"
            if progress.objectsTotal > 0 { line += " · \(progress.objectsDone)/\(progress.objectsTotal) objects" }
            line += String(format: " · %.1f MB · %.1f MB/s", megabytes, rate)
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
            lineShown = true
        }
    }

    /// A notice on stderr (not with --quiet).
    func notice(_ message: String) {
        guard !quiet else { return }
        emit("fink-export: \(message)")
    }

    /// A warning on stderr (shown even with --quiet).
    func warning(_ message: String) {
        emit("fink-export: warning: \(message)")
    }

    /// An error on stderr.
    func error(_ message: String) {
        emit("fink-export: error: \(message)")
    }

    /// The closing summary on stdout (not with --quiet).
    func summary(_ summary: ExportSummary) {
        clearLine()
        guard !quiet else { return }
        let tables = summary.tables.map { table in
            // With upper limits: "(18,000 valid, 4,100 upperlim, 900 badquality)".
            let kinds = table.rowsByKind.map { kinds in
                " (" + kinds.sorted { $0.value > $1.value }.map { "\(Self.grouped($0.value)) \($0.key.isEmpty ? "without kind" : $0.key)" }
                    .joined(separator: ", ") + ")"
            } ?? ""
            return "\(table.table.rawValue) \(Self.grouped(table.rows)) rows\(kinds) × \(table.columns) columns → \(table.path)"
        }.joined(separator: "; ")
        var line = "exported \(tables.isEmpty ? "nothing" : tables)"
        line += String(format: " in %.1f s (%.1f MB read", summary.elapsed, Double(summary.bytes) / 1_000_000)
        line += summary.retries > 0 ? ", \(summary.retries) retries)" : ")"
        print(line)
    }

    func clearLine() {
        lock.withLock {
            if lineShown {
                FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
                lineShown = false
            }
        }
    }

    private func emit(_ line: String) {
        clearLine()
        FileHandle.standardError.write(Data((line.split(whereSeparator: \.isNewline).joined(separator: " ") + "\n").utf8))
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }
}
