import Foundation

/// The memory one response body is received into, handed over as `Data` without a copy.
///
/// Every answer is several megabytes, and with 4 KiB pages the kernel's faults on fresh memory
/// were about a tenth of a CSV export's CPU (one per page: trap, allocation, zeroing). A body of
/// 2 MiB or more is therefore a mapping of its own from a ``BodyMappingPool``: on a 2 MiB
/// boundary with transparent huge pages, and reused from body to body. A smaller body comes from
/// `malloc`. Either way the buffer starts on a device block, so the kept answers can go to the
/// disk from it without a copy (``UncachedFileWrite``).
final class BodyBuffer {
    /// The bytes, `capacity` of them; a mapping's whole length when `mapping` is set.
    private(set) var start: UnsafeMutableRawPointer
    private(set) var capacity: Int
    /// The pool's mapping the bytes are, or nil for memory from `malloc`.
    private var mapping: BodyMappingPool.Mapping?
    private let pool: BodyMappingPool
    /// Whether a `Data` owns the memory now.
    private var handedOver = false

    static let hugePage = BodyMappingPool.hugePage
    static let page = BodyMappingPool.page

    /// A buffer of at least `capacity` bytes, from `pool` when it is large, or nil when the
    /// memory is not there.
    init?(capacity: Int, pool: BodyMappingPool) {
        self.pool = pool
        guard capacity >= Self.hugePage else {
            var block: UnsafeMutableRawPointer?
            guard posix_memalign(&block, UncachedFileWrite.alignment, max(capacity, 1)) == 0, let block else { return nil }
            (start, self.capacity, mapping) = (block, capacity, nil)
            return
        }
        guard let mapping = pool.take(atLeast: capacity) else { return nil }
        (start, self.capacity, self.mapping) = (mapping.start, mapping.length, mapping)
    }

    /// Moves the first `count` bytes into memory of at least `capacity` bytes; false (this buffer
    /// kept as it was) when the memory is not there.
    func grow(to capacity: Int, keeping count: Int) -> Bool {
        guard let larger = BodyBuffer(capacity: capacity, pool: pool) else { return false }
        larger.start.copyMemory(from: start, byteCount: count)
        swap(&start, &larger.start)
        swap(&self.capacity, &larger.capacity)
        swap(&mapping, &larger.mapping)
        // `larger` now holds the old memory, released as it goes.
        return true
    }

    /// The first `count` bytes as `Data` that owns the memory and releases it when done; the
    /// buffer is not used after this.
    func take(count: Int) -> Data {
        precondition(!handedOver, "a body buffer handed over twice")
        handedOver = true
        guard let mapping else { return Data(bytesNoCopy: start, count: count, deallocator: .free) }
        let pool = self.pool
        return Data(bytesNoCopy: start, count: count, deallocator: .custom { _, _ in
            pool.release(mapping)
        })
    }

    deinit {
        if handedOver { return }
        if let mapping { pool.release(mapping) } else { free(start) }
    }
}
