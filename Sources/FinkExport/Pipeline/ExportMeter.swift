import Foundation

/// Counts an export's progress (rows, objects, bytes, retries) and reports it after each answer.
final class ExportMeter {
    let started = Date()
    let retries = RetryCounter()
    private let progress: @Sendable (ExportProgress) -> Void
    private(set) var rows = 0
    private(set) var bytes = 0
    private var objectsDone = 0
    private var objectsTotal = 0

    init(progress: @escaping @Sendable (ExportProgress) -> Void) {
        self.progress = progress
    }

    func expectObjects(_ count: Int) {
        objectsTotal = count
    }

    /// An answer of `table` was read: `rows` rows from `bytes` bytes, for `objects` objects.
    func answered(_ table: ExportTable, rows: Int, bytes: Int, objects: Int = 0) {
        self.rows += rows
        self.bytes += bytes
        objectsDone += objects
        progress(ExportProgress(table: table, rows: self.rows, objectsDone: objectsDone, objectsTotal: objectsTotal,
                                bytes: self.bytes, elapsed: Date().timeIntervalSince(started)))
    }
}

/// Counts retries across concurrent requests.
final class RetryCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
