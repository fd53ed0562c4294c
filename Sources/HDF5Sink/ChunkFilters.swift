
/// The first filter libhdf5 applies to a chunk of a dataset created with `H5Pset_shuffle`
/// then `H5Pset_deflate`, done outside libhdf5 so that chunks can be filtered on every core
/// and stored with `H5Dwrite_chunk` (``ZlibStreamCompressor`` is the second). Any HDF5
/// reader undoes them as it would its own.
enum ChunkFilters {
    /// HDF5's shuffle filter (H5Z_FILTER_SHUFFLE): the first byte of every element, then the
    /// second byte of every element, and so on. `count` elements of `elementSize` bytes.
    static func shuffle(_ source: UnsafeRawPointer, count: Int, elementSize: Int, into destination: UnsafeMutableRawPointer) {
        let from = source.assumingMemoryBound(to: UInt8.self)
        let to = destination.assumingMemoryBound(to: UInt8.self)
        guard elementSize > 1 else {
            to.update(from: from, count: count * max(1, elementSize))
            return
        }
        // Blocks of elements keep the reads of one block in cache while each byte plane is written.
        let block = 64
        var first = 0
        while first < count {
            let last = min(first + block, count)
            for byte in 0 ..< elementSize {
                let plane = to + byte * count
                var element = first
                var read = from + first * elementSize + byte
                while element < last {
                    plane[element] = read.pointee
                    read += elementSize
                    element += 1
                }
            }
            first = last
        }
    }
}
