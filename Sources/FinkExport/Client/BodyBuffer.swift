import Foundation

/// The memory one response body is received into, handed over as `Data` without a copy.
///
/// Every answer is several megabytes of fresh memory, and with 4 KiB pages the kernel's faults
/// on it were about a tenth of a CSV export's CPU (one per page: trap, allocation, zeroing). A
/// body of 2 MiB or more is therefore its own mapping, starting on a 2 MiB boundary, with
/// transparent huge pages advised for its whole 2 MiB pieces (`MADV_HUGEPAGE`: one fault per
/// 2 MiB where the kernel has them, ordinary pages where it does not); its ragged end keeps
/// ordinary pages, so a body holds no more than a page beyond its length (a huge page there
/// would hold a megabyte more per body on average). A smaller body comes from `malloc`. Either
/// way the buffer starts on a device block, so the kept answers can go to the disk from it
/// without a copy (``UncachedFileWrite``).
final class BodyBuffer {
    /// The bytes, `capacity` of them; a mapping's whole length when `isMapped`.
    private(set) var start: UnsafeMutableRawPointer
    private(set) var capacity: Int
    /// Whether the memory is a mapping of its own (released by `munmap`), not from `malloc`.
    private var isMapped: Bool
    /// Whether a `Data` owns the memory now.
    private var handedOver = false

    static let hugePage = 2 << 20
    static let page = 4096

    /// A buffer of at least `capacity` bytes, or nil when the memory is not there.
    init?(capacity: Int) {
        guard capacity >= Self.hugePage else {
            var block: UnsafeMutableRawPointer?
            guard posix_memalign(&block, UncachedFileWrite.alignment, max(capacity, 1)) == 0, let block else { return nil }
            (start, self.capacity, isMapped) = (block, capacity, false)
            return
        }
        let length = (capacity + Self.page - 1) / Self.page * Self.page
        // Mapped one huge page longer, then trimmed, so the buffer starts on a 2 MiB boundary.
        let reserved = length + Self.hugePage
        guard let mapped = mmap(nil, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapped != MAP_FAILED else { return nil }
        let lead = (Self.hugePage - Int(bitPattern: mapped) % Self.hugePage) % Self.hugePage
        if lead > 0 { munmap(mapped, lead) }
        let tail = reserved - lead - length
        if tail > 0 { munmap(mapped + lead + length, tail) }
        // Advice only: where huge pages are off, the mapping works with ordinary pages.
        _ = madvise(mapped + lead, length / Self.hugePage * Self.hugePage, MADV_HUGEPAGE)
        (start, self.capacity, isMapped) = (mapped + lead, length, true)
    }

    /// Moves the first `count` bytes into memory of at least `capacity` bytes; false (this buffer
    /// kept as it was) when the memory is not there.
    func grow(to capacity: Int, keeping count: Int) -> Bool {
        guard let larger = BodyBuffer(capacity: capacity) else { return false }
        larger.start.copyMemory(from: start, byteCount: count)
        swap(&start, &larger.start)
        swap(&self.capacity, &larger.capacity)
        swap(&isMapped, &larger.isMapped)
        // `larger` now holds the old memory, released as it goes.
        return true
    }

    /// The first `count` bytes as `Data` that owns the memory and releases it when done; the
    /// buffer is not used after this.
    func take(count: Int) -> Data {
        precondition(!handedOver, "a body buffer handed over twice")
        handedOver = true
        guard isMapped else { return Data(bytesNoCopy: start, count: count, deallocator: .free) }
        let length = capacity
        return Data(bytesNoCopy: start, count: count, deallocator: .custom { pointer, _ in
            munmap(pointer, length)
        })
    }

    deinit {
        if handedOver { return }
        if isMapped { munmap(start, capacity) } else { free(start) }
    }
}
