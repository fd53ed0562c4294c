import Foundation

/// The table's column chunks, dealt into lanes (one per core, at most four), each lane with its
/// own compressor, so that a batch's columns are encoded and compressed on every core.
///
/// The writer thread alone took 0.17 s at the end of a 100k export, one core idle, after the
/// parsers had ended: its queued batches and the last row groups' pages. Columns are independent
/// until a row group is written out, and a chunk is only ever touched by its own lane, so the
/// lanes share nothing but the page spool (whose appends are locked).
struct ColumnLanes {
    /// Every column's chunk writer, in column order.
    let chunks: [ColumnChunkWriter]
    /// The indices of each lane's chunks, in column order.
    private let lanes: [[Int]]

    /// One lane per core, at most four.
    static var defaultCount: Int { Swift.min(ProcessInfo.processInfo.activeProcessorCount, 4) }

    init(columns: [LeafColumn], compression: PageCompressor.Method, spool: PageSpool, laneCount: Int) {
        let count = Swift.max(1, Swift.min(laneCount, columns.count))
        let compressors = (0 ..< count).map { _ in PageCompressor(compression) }
        chunks = columns.indices.map { ColumnChunkWriter(column: columns[$0], compressor: compressors[$0 % count], spool: spool) }
        lanes = (0 ..< count).map { lane in Array(stride(from: lane, to: columns.count, by: count)) }
    }

    /// Calls `body` with every chunk and its column index: each lane's chunks in order, the lanes
    /// at once. When calls fail, the error of the lowest lane that failed is thrown, after every
    /// lane has stopped.
    func forEach(_ body: (Int, ColumnChunkWriter) throws -> Void) throws {
        guard lanes.count > 1 else {
            for index in chunks.indices { try body(index, chunks[index]) }
            return
        }
        // One slot per lane, written by that lane only.
        let failures = UnsafeMutableBufferPointer<(any Error)?>.allocate(capacity: lanes.count)
        failures.initialize(repeating: nil)
        defer { failures.deinitialize().deallocate() }
        withoutActuallyEscaping(body) { body in
            let job = LaneJob(lanes: lanes, chunks: chunks, body: body, failures: failures)
            DispatchQueue.concurrentPerform(iterations: lanes.count) { job.run(lane: $0) }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }

    /// One call's work. Sendable because each lane touches its own chunks and its own failure
    /// slot only, and the caller waits for every lane.
    private struct LaneJob: @unchecked Sendable {
        let lanes: [[Int]]
        let chunks: [ColumnChunkWriter]
        let body: (Int, ColumnChunkWriter) throws -> Void
        let failures: UnsafeMutableBufferPointer<(any Error)?>

        func run(lane: Int) {
            do {
                for index in lanes[lane] { try body(index, chunks[index]) }
            } catch {
                failures[lane] = error
            }
        }
    }
}
