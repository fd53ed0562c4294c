import FinkExport
import Foundation

/// A file written around the page cache (``UncachedFile``) on a thread of its own, so that the
/// sink does not wait for the device.
///
/// A direct write returns only when the device has the bytes: on the sink's thread it added a
/// second to a 100k-row JSON Lines export here. The bytes are copied into one of a few aligned
/// chunks; a full chunk goes to the writing thread while the sink fills the next, and the sink
/// waits only when every chunk is still being written. A file that ends before its first chunk
/// fills is written at ``close()`` on the caller's thread, and no thread is started.
///
/// Used from one thread at a time. A failed write surfaces as its `errno` from a later
/// ``append(_:count:)`` or from ``close()``. The owner calls ``close()`` or ``abandon()``: the
/// writing thread holds the file until one of them ends it.
final class WriteBehindFile: @unchecked Sendable { // the fields the two threads share are guarded by `state`
    /// Bytes handed to the writing thread at a time.
    static let chunkSize = 1 << 20
    /// Chunks being filled, waiting or being written: the memory the file holds.
    static let chunkCount = 4

    private let file: UncachedFile
    private let state = NSCondition()
    /// Chunks free to fill (guarded by `state`).
    private var free: [UnsafeMutableRawPointer] = []
    /// Full chunks waiting for the writing thread, in file order (guarded by `state`).
    private var queue: [(chunk: UnsafeMutableRawPointer, count: Int)] = []
    /// Set when no more chunks will come (guarded by `state`).
    private var ending = false
    /// Set by the writing thread when it has stopped (guarded by `state`).
    private var threadDone = false
    /// The writing thread's first failure (guarded by `state`).
    private var threadFailure: Int32?
    private var threadStarted = false
    /// The chunk being filled, and how many bytes it holds.
    private var current: UnsafeMutableRawPointer
    private var filled = 0
    private var allChunks: [UnsafeMutableRawPointer]
    private var closed = false

    /// Creates (or truncates) the file at `path`; `calls` as for ``UncachedFile``.
    init(path: String, calls: UncachedFile.Calls = .system) throws(UncachedFile.OpenFailure) {
        file = try UncachedFile(path: path, calls: calls)
        allChunks = [UnsafeMutableRawPointer.allocate(byteCount: Self.chunkSize, alignment: UncachedFile.alignment)]
        current = allChunks[0]
    }

    deinit {
        if !closed { abandon() }
        for chunk in allChunks { chunk.deallocate() }
    }

    /// Appends `count` bytes from `base`.
    ///
    /// - Returns: the `errno` of a write that failed (this one or an earlier one), else nil.
    func append(_ base: UnsafeRawPointer, count: Int) -> Int32? {
        var offset = 0
        while offset < count {
            let length = min(Self.chunkSize - filled, count - offset)
            (current + filled).copyMemory(from: base + offset, byteCount: length)
            filled += length
            offset += length
            if filled == Self.chunkSize, let failure = handOver() { return failure }
        }
        return nil
    }

    /// Writes what waits, waits for the writing thread and closes the file.
    func close() -> UncachedFile.Outcome {
        guard !closed else { return .failed(EBADF) }
        closed = true
        if !threadStarted {
            file.append(current, count: filled)
            return file.close()
        }
        state.lock()
        if filled > 0 { queue.append((current, filled)) }
        ending = true
        state.broadcast()
        while !threadDone { state.wait() }
        state.unlock()
        return file.close()
    }

    /// Stops without writing what waits (after a failure elsewhere; the caller removes the file).
    func abandon() {
        guard !closed else { return }
        closed = true
        if threadStarted {
            state.lock()
            queue.removeAll()
            ending = true
            state.broadcast()
            while !threadDone { state.wait() }
            state.unlock()
        }
        file.abandon()
    }

    /// Queues the full current chunk and takes a free one, waiting while none is free.
    private func handOver() -> Int32? {
        if !threadStarted { startThread() }
        state.lock()
        defer { state.unlock() }
        queue.append((current, filled))
        filled = 0
        state.broadcast()
        if free.isEmpty, allChunks.count < Self.chunkCount {
            let chunk = UnsafeMutableRawPointer.allocate(byteCount: Self.chunkSize, alignment: UncachedFile.alignment)
            allChunks.append(chunk)
            free.append(chunk)
        }
        while free.isEmpty, threadFailure == nil { state.wait() }
        if let threadFailure { return threadFailure }
        current = free.removeLast()
        return nil
    }

    private func startThread() {
        threadStarted = true
        let thread = Thread { self.writeChunks() }
        thread.name = "fink-export write-behind"
        thread.start()
    }

    /// The writing thread: chunks in order to the file until the last one.
    private func writeChunks() {
        state.lock()
        while true {
            while queue.isEmpty, !ending { state.wait() }
            guard !queue.isEmpty else { break }
            let (chunk, count) = queue.removeFirst()
            state.unlock()
            // A chunk starts on a block and is large: it goes to the device as it lies.
            file.append(chunk, count: count)
            state.lock()
            free.append(chunk)
            if let failure = file.failure {
                threadFailure = failure
                queue.removeAll()
                state.broadcast()
                break
            }
            state.broadcast()
        }
        threadDone = true
        state.broadcast()
        state.unlock()
    }
}
