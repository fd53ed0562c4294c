import CHDF5
import Foundation

/// A 1-D dataset that grows batch by batch: chunked, optionally shuffled and deflated, of a
/// packed compound type (or of one plain type), its chunks compressed in parallel by a
/// ``ChunkAppender``. Fixed-length strings that turn out too short for a later batch are
/// widened by rebuilding the dataset, so no string is ever cut.
final class ExtendableDataset {
    private let parent: hid_t
    let name: String
    private(set) var members: [Member]
    private let plain: Bool
    private let chunkRows: Int
    private let compressionLevel: Int
    private var dataset: HDF5Handle
    private var rowType: HDF5Handle
    /// The dataset's identifier (for attributes).
    var id: hid_t { dataset.id }
    private(set) var offsets: [Int] = []
    private(set) var rowSize = 0
    private var appender: ChunkAppender
    /// Every row appended.
    var rows: Int { appender.rows }

    /// Creates the dataset `name` under `parent`. A `plain` dataset has exactly one member and
    /// is written with that member's type rather than a compound.
    init(parent: hid_t, name: String, members: [Member], plain: Bool = false, chunkRows: Int, compressionLevel: Int) throws {
        precondition(!plain || members.count == 1)
        self.parent = parent
        self.name = name
        self.members = members
        self.plain = plain
        self.chunkRows = max(1, chunkRows)
        self.compressionLevel = compressionLevel
        (dataset, rowType) = try Self.create(parent: parent, name: name, members: members, plain: plain,
                                             chunkRows: self.chunkRows, compressionLevel: compressionLevel)
        (offsets, rowSize) = Self.layout(members)
        appender = Self.appender(name: name, rowSize: rowSize, chunkRows: self.chunkRows, compressionLevel: compressionLevel)
    }

    private static func appender(name: String, rowSize: Int, chunkRows: Int, compressionLevel: Int) -> ChunkAppender {
        // libhdf5's shuffle takes the dataset type's size as its element: the whole row here.
        ChunkAppender(name: name, rowBytes: rowSize, chunkRows: chunkRows, elementSize: rowSize, compressionLevel: compressionLevel)
    }

    /// Stores the last rows, then closes the dataset and its row type.
    func finish() throws {
        try appender.finish(into: dataset.id)
        try close()
    }

    /// Closes the dataset and its row type (rows still waiting for a chunk are dropped: an
    /// export that fails is discarded).
    func close() throws {
        try dataset.close()
        try rowType.close()
    }

    /// Chunk rows that keep a chunk near 1 MiB (h5py's advice: 10 KiB to 1 MiB), as a power of
    /// two so batches of 4096 rows fill whole chunks.
    static func defaultChunkRows(rowSize: Int) -> Int {
        var rows = 1
        while rows * 2 * max(1, rowSize) <= 1 << 20 && rows < 65_536 { rows *= 2 }
        return rows
    }

    /// Appends `count` rows. `widths` gives, per member, the byte length its strings need
    /// (nil for other members); `encode` fills the zeroed rows using ``offsets`` and ``rowSize``.
    func append(count: Int, widths: [Int?], encode: (UnsafeMutableRawPointer) -> Void) throws {
        guard count > 0 else { return }
        try widenIfNeeded(widths)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: count * rowSize, alignment: 16)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: count * rowSize)
        encode(buffer)
        try appender.append(buffer, count: count, to: dataset.id)
    }

    // MARK: Creation and writing

    /// Each member's byte offset in a packed row, and the row's size.
    private static func layout(_ members: [Member]) -> (offsets: [Int], size: Int) {
        var offsets: [Int] = []
        var size = 0
        for member in members {
            offsets.append(size)
            size += member.kind.size
        }
        return (offsets, size)
    }

    /// Creates the dataset `name` and its row type.
    private static func create(parent: hid_t, name: String, members: [Member], plain: Bool, chunkRows: Int,
                               compressionLevel: Int) throws -> (dataset: HDF5Handle, type: HDF5Handle) {
        let (offsets, size) = layout(members)
        let type = HDF5Handle(plain ? try members[0].kind.makeType()
            : try HDF5.id(H5Tcreate(H5T_COMPOUND, max(1, size)), "creating the row type of \(name)"))
        let dataset = try createDataset(parent: parent, name: name, type: type.id, members: members, offsets: offsets,
                                        plain: plain, chunkRows: chunkRows, compressionLevel: compressionLevel)
        return (dataset, type)
    }

    /// Adds the members to a compound `type` and creates the chunked, filtered dataset.
    private static func createDataset(parent: hid_t, name: String, type: hid_t, members: [Member], offsets: [Int],
                                      plain: Bool, chunkRows: Int, compressionLevel: Int) throws -> HDF5Handle {
        if !plain {
            for (member, offset) in zip(members, offsets) {
                let memberType = try member.kind.makeType()
                defer { H5Tclose(memberType) }
                try HDF5.check(H5Tinsert(type, member.name, offset, memberType), "adding member \(member.name) to \(name)")
            }
        }
        var current: hsize_t = 0
        var maximum = chdf5_unlimited()
        let space = try HDF5.id(H5Screate_simple(1, &current, &maximum), "creating the dataspace of \(name)")
        defer { H5Sclose(space) }
        let properties = try ChunkAppender.creationProperties(chunkRows: chunkRows, compressionLevel: compressionLevel, name: name)
        defer { H5Pclose(properties) }
        return try HDF5Handle(H5Dcreate2(parent, name, type, space, hid_t(H5P_DEFAULT), properties, hid_t(H5P_DEFAULT)),
                              "creating dataset \(name)")
    }

    /// Calls `body` with a memory dataspace of `count` rows and the file dataspace of
    /// `dataset` with rows `start ..< start + count` selected.
    private func withRows(_ start: Int, _ count: Int, of dataset: hid_t, _ body: (hid_t, hid_t) throws -> Void) throws {
        let fileSpace = try HDF5.id(H5Dget_space(dataset), "reading the dataspace of \(name)")
        defer { H5Sclose(fileSpace) }
        var offset = hsize_t(start)
        var length = hsize_t(count)
        try HDF5.check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &offset, nil, &length, nil), "selecting rows of \(name)")
        let memorySpace = try HDF5.id(H5Screate_simple(1, &length, nil), "creating a memory dataspace")
        defer { H5Sclose(memorySpace) }
        try body(memorySpace, fileSpace)
    }

    // MARK: Widening

    private func widenIfNeeded(_ widths: [Int?]) throws {
        var widened = members
        var changed = false
        for (index, needed) in widths.enumerated() {
            guard let needed, case .string(let width) = members[index].kind, needed > width else { continue }
            // Doubling keeps the number of rebuilds logarithmic in the longest string.
            widened[index].kind = .string(width: max(needed, width * 2))
            changed = true
        }
        guard changed else { return }
        let temporary = name + ".__widening__"
        let (newDataset, newType) = try Self.create(parent: parent, name: temporary, members: widened, plain: plain,
                                                    chunkRows: chunkRows, compressionLevel: compressionLevel)
        let (newOffsets, newRowSize) = Self.layout(widened)
        // The rows waiting for a chunk go to the old dataset first, so that every row is
        // read back converted to the new widths; the new appender holds the last ones again.
        try appender.finish(into: dataset.id)
        let total = appender.rows
        let newAppender = Self.appender(name: name, rowSize: newRowSize, chunkRows: chunkRows, compressionLevel: compressionLevel)
        let blockRows = max(chunkRows, 4096)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: blockRows * newRowSize, alignment: 16)
        defer { buffer.deallocate() }
        var start = 0
        while start < total {
            let count = min(blockRows, total - start)
            try read(into: buffer, at: start, count: count, as: newType.id)
            try newAppender.append(buffer, count: count, to: newDataset.id)
            start += count
        }
        try close()
        try HDF5.check(H5Ldelete(parent, name, hid_t(H5P_DEFAULT)), "replacing \(name)")
        try HDF5.check(H5Lmove(parent, temporary, parent, name, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)), "renaming the widened \(name)")
        dataset = newDataset
        rowType = newType
        appender = newAppender
        offsets = newOffsets
        rowSize = newRowSize
        members = widened
    }

    /// Reads rows of the current dataset converted to `memoryType` (libhdf5 converts
    /// fixed-length strings of one width to another).
    private func read(into buffer: UnsafeMutableRawPointer, at start: Int, count: Int, as memoryType: hid_t) throws {
        let id = dataset.id
        try withRows(start, count, of: id) { memorySpace, fileSpace in
            try HDF5.check(H5Dread(id, memoryType, memorySpace, fileSpace, hid_t(H5P_DEFAULT), buffer), "reading back rows of \(name)")
        }
    }
}
