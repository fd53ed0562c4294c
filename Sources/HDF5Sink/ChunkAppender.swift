import CHDF5
import Dispatch

/// Appends rows to a chunked dataset (1-D, or 2-D chunked by whole rows) a whole chunk at a
/// time. Rows wait here until they fill a chunk; full chunks are shuffled and deflated on
/// every core at once (``ChunkFilters``) and stored with `H5Dwrite_chunk`, instead of libhdf5
/// compressing them one after another on the writer's thread. ``finish(into:)`` stores the
/// last, partial chunk padded with zeros past the dataset's extent, as libhdf5 would.
///
/// The dataset must have been created with ``creationProperties(chunkRows:width:compressionLevel:name:)``
/// at this appender's chunk rows, width and level: the filters it declares are the ones applied here.
final class ChunkAppender {
    private let name: String
    private let rowBytes: Int
    private let chunkRows: Int
    private let elementSize: Int
    private let compressionLevel: Int
    /// The second dimension of a 2-D dataset (whole rows per chunk), nil for 1-D.
    private let width: Int?
    private var chunkBytes: Int { chunkRows * rowBytes }

    /// One chunk's rows not yet stored.
    private var pending: UnsafeMutableRawPointer?
    private var pendingRows = 0
    /// Rows stored in the file; a multiple of `chunkRows` until ``finish(into:)``.
    private var storedRows = 0
    private var finished = false
    /// Reused between calls: shuffled chunks and their deflated streams.
    private var workspace = Workspace()

    /// Every row appended, stored or waiting.
    var rows: Int { storedRows + pendingRows }

    /// Dataset-creation properties (the caller closes them) for a dataset an appender fills:
    /// chunks of `chunkRows` rows (whole rows of `width` columns for a 2-D dataset) and, when
    /// `compressionLevel` > 0, the shuffle then deflate filters, which the appender applies itself.
    static func creationProperties(chunkRows: Int, width: Int? = nil, compressionLevel: Int, name: String) throws -> hid_t {
        let properties = try HDF5.id(H5Pcreate(chdf5_dataset_create()), "creating dataset properties")
        do {
            var chunk = [hsize_t(max(1, chunkRows))] + (width.map { [hsize_t($0)] } ?? [])
            try HDF5.check(H5Pset_chunk(properties, Int32(chunk.count), &chunk), "chunking \(name)")
            if compressionLevel > 0 {
                try HDF5.check(H5Pset_shuffle(properties), "adding the shuffle filter to \(name)")
                try HDF5.check(H5Pset_deflate(properties, UInt32(compressionLevel)), "adding deflate to \(name)")
            }
            return properties
        } catch {
            H5Pclose(properties)
            throw error
        }
    }

    init(name: String, rowBytes: Int, chunkRows: Int, elementSize: Int, compressionLevel: Int, width: Int? = nil) {
        self.name = name
        self.rowBytes = max(1, rowBytes)
        self.chunkRows = max(1, chunkRows)
        self.elementSize = max(1, elementSize)
        self.compressionLevel = compressionLevel
        self.width = width
    }

    deinit {
        pending?.deallocate()
        workspace.release()
    }

    /// Appends `count` encoded rows of `rowBytes` each to `dataset`.
    func append(_ source: UnsafeRawPointer, count: Int, to dataset: hid_t) throws {
        precondition(!finished, "append after finish")
        var next = source
        var remaining = count
        if pendingRows > 0 {
            let taken = min(chunkRows - pendingRows, remaining)
            let waiting = pendingBuffer()
            (waiting + pendingRows * rowBytes).copyMemory(from: next, byteCount: taken * rowBytes)
            pendingRows += taken
            next += taken * rowBytes
            remaining -= taken
            guard pendingRows == chunkRows else { return }
            try store(UnsafeRawPointer(waiting), chunks: 1, rows: chunkRows, to: dataset)
            pendingRows = 0
        }
        let whole = remaining / chunkRows
        if whole > 0 {
            try store(next, chunks: whole, rows: whole * chunkRows, to: dataset)
            next += whole * chunkBytes
            remaining -= whole * chunkRows
        }
        if remaining > 0 {
            pendingBuffer().copyMemory(from: next, byteCount: remaining * rowBytes)
            pendingRows = remaining
        }
    }

    /// Stores the rows still waiting, as the dataset's last chunk. Nothing can be appended after.
    func finish(into dataset: hid_t) throws {
        guard !finished else { return }
        finished = true
        guard pendingRows > 0, let waiting = pending else { return }
        (waiting + pendingRows * rowBytes).initializeMemory(as: UInt8.self, repeating: 0,
                                                            count: (chunkRows - pendingRows) * rowBytes)
        try store(UnsafeRawPointer(waiting), chunks: 1, rows: pendingRows, to: dataset)
        pendingRows = 0
    }

    private func pendingBuffer() -> UnsafeMutableRawPointer {
        if let pending { return pending }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkBytes, alignment: 16)
        pending = buffer
        return buffer
    }

    /// Extends the dataset by `rows` and stores `chunks` whole chunks read from `source`.
    private func store(_ source: UnsafeRawPointer, chunks: Int, rows: Int, to dataset: hid_t) throws {
        var extent = [hsize_t(storedRows + rows)] + (width.map { [hsize_t($0)] } ?? [])
        try HDF5.check(H5Dset_extent(dataset, &extent), "extending \(name) to \(storedRows + rows) rows")
        let streams = try filtered(source, chunks: chunks)
        for index in 0 ..< chunks {
            var offset = [hsize_t(storedRows + index * chunkRows)] + (width == nil ? [] : [0])
            let (bytes, length) = streams(index)
            try HDF5.check(H5Dwrite_chunk(dataset, hid_t(H5P_DEFAULT), 0, &offset, length, bytes),
                           "writing rows \(storedRows + index * chunkRows) to \(name)")
        }
        storedRows += rows
    }

    /// The bytes to store for each chunk: the rows themselves without compression, else their
    /// shuffled and deflated stream, made in parallel.
    private func filtered(_ source: UnsafeRawPointer, chunks: Int) throws -> (Int) -> (UnsafeRawPointer, Int) {
        let chunkBytes = chunkBytes
        guard compressionLevel > 0 else { return { (source + $0 * chunkBytes, chunkBytes) } }
        try workspace.reserve(chunks: chunks, chunkBytes: chunkBytes, level: compressionLevel, name: name)
        let bound = workspace.bound
        let job = FilterJob(source: source, shuffled: workspace.shuffled!, deflated: workspace.deflated!,
                            lengths: workspace.lengths!, compressors: workspace.compressors, chunkBytes: chunkBytes,
                            bound: bound, elementSize: elementSize)
        DispatchQueue.concurrentPerform(iterations: chunks) { job.run(chunk: $0) }
        let lengths = job.lengths, deflated = job.deflated
        if let failed = (0 ..< chunks).first(where: { lengths[$0] < 0 }) {
            throw HDF5Error(action: "compressing rows \(storedRows + failed * chunkRows) of \(name)",
                            stack: ["the compressed chunk did not fit its bound"])
        }
        return { (UnsafeRawPointer(deflated + $0 * bound), lengths[$0]) }
    }

    /// The filtering of one call's chunks. Sendable because each chunk's iteration reads its
    /// own rows and writes its own slots only, and the caller waits for all of them.
    private struct FilterJob: @unchecked Sendable {
        let source: UnsafeRawPointer
        let shuffled: UnsafeMutableRawPointer
        let deflated: UnsafeMutableRawPointer
        let lengths: UnsafeMutableBufferPointer<Int>
        /// One per chunk of the call, so no two threads share one.
        let compressors: [ZlibStreamCompressor]
        let chunkBytes: Int
        let bound: Int
        let elementSize: Int

        func run(chunk index: Int) {
            let plain = shuffled + index * chunkBytes
            ChunkFilters.shuffle(source + index * chunkBytes, count: chunkBytes / elementSize, elementSize: elementSize, into: plain)
            lengths[index] = compressors[index].compress(plain, byteCount: chunkBytes, into: deflated + index * bound,
                                                         capacity: bound) ?? -1
        }
    }

    /// Buffers and compressors kept from one batch to the next: freeing and mapping them
    /// again for every batch costs page faults.
    private struct Workspace {
        var shuffled: UnsafeMutableRawPointer?
        var deflated: UnsafeMutableRawPointer?
        var lengths: UnsafeMutableBufferPointer<Int>?
        var compressors: [ZlibStreamCompressor] = []
        var bound = 0
        var chunks = 0

        mutating func reserve(chunks: Int, chunkBytes: Int, level: Int, name: String) throws {
            guard chunks > self.chunks else { return }
            release()
            while compressors.count < chunks {
                guard let compressor = ZlibStreamCompressor(level: level) else {
                    throw HDF5Error(action: "compressing \(name)", stack: ["out of memory for a compressor"])
                }
                compressors.append(compressor)
            }
            bound = compressors[0].bound(chunkBytes)
            shuffled = .allocate(byteCount: chunks * chunkBytes, alignment: 16)
            deflated = .allocate(byteCount: chunks * bound, alignment: 16)
            lengths = .allocate(capacity: chunks)
            self.chunks = chunks
        }

        mutating func release() {
            shuffled?.deallocate()
            deflated?.deallocate()
            lengths?.deallocate()
            (shuffled, deflated, lengths, chunks) = (nil, nil, nil, 0)
        }
    }
}
