import CDeflate

/// HDF5's deflate filter (H5Z_FILTER_DEFLATE) stores each chunk as a zlib stream; libdeflate
/// makes the same format (RFC 1950) at the same levels in less time than zlib's `compress2`.
/// One compressor is used by one thread at a time.
final class ZlibStreamCompressor: @unchecked Sendable {
    private let handle: OpaquePointer

    /// A compressor at `level` (1–9 here, as HDF5's deflate level); nil when out of memory.
    init?(level: Int) {
        guard let handle = libdeflate_alloc_compressor(Int32(level)) else { return nil }
        self.handle = handle
    }

    deinit {
        libdeflate_free_compressor(handle)
    }

    /// What a stream of `byteCount` bytes can need, at worst.
    func bound(_ byteCount: Int) -> Int {
        libdeflate_zlib_compress_bound(handle, byteCount)
    }

    /// Compresses `byteCount` bytes into `destination`; returns the stream's length, or nil
    /// if it did not fit in `capacity` (never, with ``bound(_:)`` bytes).
    func compress(_ source: UnsafeRawPointer, byteCount: Int, into destination: UnsafeMutableRawPointer, capacity: Int) -> Int? {
        let length = libdeflate_zlib_compress(handle, source, byteCount, destination, capacity)
        return length > 0 ? length : nil
    }
}
