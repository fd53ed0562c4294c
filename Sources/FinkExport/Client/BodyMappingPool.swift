import Foundation

/// The memory that large bodies are received into, kept after a body is released so that the
/// next bodies reuse pages already faulted in.
///
/// A fresh page costs the kernel a fault and zeroing, and on a virtual machine that hands freed
/// memory back to its host (free page reporting) much more: here, 512 MB freed ten seconds
/// earlier took 1.3 s to fault in again, 256 MB freed two seconds earlier 0.2–0.35 s, against
/// 0.03–0.06 s for memory freed and faulted in again at once. Every objects answer is a new
/// body, so without reuse an export faults in as much fresh memory as the API sends it.
///
/// Each mapping is a reservation of address space (``defaultReservedSpan``, no memory) of which
/// only the first `length` bytes are readable and writable: a kept mapping grows in place for a
/// larger body, so only the growth is fresh, and is cut down to a smaller body's whole huge
/// pages (its tail given back), so bodies hold what they would without the pool. At most
/// ``keptLimit`` are kept, and kept ones are given back before the mappings in use and those
/// kept together would hold more bytes than the most ever in use at once.
///
/// Safe from any thread: bodies are received on the transport's threads and released wherever
/// their `Data` goes.
final class BodyMappingPool: @unchecked Sendable {
    /// One mapping: `length` usable bytes from `start` (on a 2 MiB boundary), in a reservation of
    /// `reserved` bytes.
    struct Mapping {
        let start: UnsafeMutableRawPointer
        let length: Int
        let reserved: Int
    }

    /// How many released mappings are kept at most.
    static let keptLimit = 4
    /// The address space reserved for each mapping by default: room to grow for any body the
    /// transport receives in one piece (an announced length up to 1 GiB); a larger body reserves
    /// its own length.
    static let defaultReservedSpan = 1 << 30
    static let hugePage = 2 << 20
    static let page = 4096

    private let lock = NSLock()
    /// Released mappings, oldest first.
    private var kept: [Mapping] = []
    private var bytesInUse = 0
    private var mostBytesInUse = 0
    /// The address space each mapping reserves.
    private let reservedSpan: Int
    /// Gives a reservation back to the system; replaceable so that tests can see which go.
    private let unmap: @Sendable (Mapping) -> Void

    init(reservedSpan: Int = BodyMappingPool.defaultReservedSpan,
         unmap: @escaping @Sendable (Mapping) -> Void = { munmap($0.start, $0.reserved) }) {
        self.reservedSpan = reservedSpan
        self.unmap = unmap
    }

    deinit {
        kept.forEach(unmap)
    }

    /// A mapping of at least `length` bytes: a kept one, grown or cut to fit, else a new one
    /// (nil when the system has no memory for it).
    func take(atLeast length: Int) -> Mapping? {
        let length = Self.roundUp(length, to: Self.page)
        var released: [Mapping] = []
        // Given back outside the lock: other threads release bodies meanwhile.
        defer { released.forEach(unmap) }
        let (chosen, usable): (Mapping?, Int) = lock.withLock {
            // The smallest that is long enough, else the longest to grow (if it has the room).
            let fitting = kept.indices.filter { kept[$0].length >= length }
            let growable = kept.indices.filter { kept[$0].reserved >= length }
            let index = fitting.min { kept[$0].length < kept[$1].length } ?? growable.max { kept[$0].length < kept[$1].length }
            let reused = index.map { kept.remove(at: $0) }
            let usable = Self.usableLength(of: reused, for: length)
            bytesInUse += usable
            mostBytesInUse = max(mostBytesInUse, bytesInUse)
            // Largest first: the fewest mappings given up to make room.
            while bytesInUse + keptBytes > mostBytesInUse,
                  let largest = kept.indices.max(by: { kept[$0].length < kept[$1].length }) {
                released.append(kept.remove(at: largest))
            }
            return (reused, usable)
        }
        let mapping = if let chosen { Self.resize(chosen, to: usable) } else { Self.map(usable, reservedSpan: reservedSpan) }
        guard let mapping else {
            if let chosen { released.append(chosen) }
            lock.withLock { bytesInUse -= usable }
            return nil
        }
        return mapping
    }

    /// Takes back a mapping from ``take(atLeast:)`` once its body is no longer used.
    func release(_ mapping: Mapping) {
        let oldest: Mapping? = lock.withLock {
            bytesInUse -= mapping.length
            kept.append(mapping)
            return kept.count > Self.keptLimit ? kept.removeFirst() : nil
        }
        if let oldest { unmap(oldest) }
    }

    /// The bytes the kept mappings hold (the lock held).
    private var keptBytes: Int { kept.reduce(0) { $0 + $1.length } }

    /// The usable length a kept mapping (or a new one, when nil) gets for a body of `length`:
    /// grown to it, or cut to its whole huge pages (so that those kept stay whole), so a body
    /// holds less than a huge page beyond its length, as a new mapping would.
    private static func usableLength(of mapping: Mapping?, for length: Int) -> Int {
        guard let mapping else { return length }
        if mapping.length < length { return length }
        return min(mapping.length, roundUp(length, to: hugePage))
    }

    /// `mapping` grown or cut to `usable` bytes (from ``usableLength(of:for:)``); nil when the
    /// system refuses.
    private static func resize(_ mapping: Mapping, to usable: Int) -> Mapping? {
        if usable > mapping.length {
            guard mprotect(mapping.start + mapping.length, usable - mapping.length, PROT_READ | PROT_WRITE) == 0 else { return nil }
        } else if usable < mapping.length {
            // The tail's pages are given back, then made inaccessible like the rest of the reservation.
            _ = madvise(mapping.start + usable, mapping.length - usable, MADV_DONTNEED)
            _ = mprotect(mapping.start + usable, mapping.length - usable, PROT_NONE)
        }
        return Mapping(start: mapping.start, length: usable, reserved: mapping.reserved)
    }

    /// A new reservation on a 2 MiB boundary, with transparent huge pages advised for all of it
    /// (one fault per 2 MiB where the kernel has them, ordinary pages where it does not), of which
    /// the first `length` bytes are made usable: its ragged end keeps ordinary pages, since a huge
    /// page cannot straddle the usable part's end, so it holds no more than a page beyond `length`.
    private static func map(_ length: Int, reservedSpan: Int) -> Mapping? {
        // Where address space is limited (`ulimit -v`, as batch schedulers often set), a
        // reservation of just the body's length.
        for reserved in [roundUp(max(length, reservedSpan), to: hugePage), roundUp(length, to: hugePage)] {
            if let mapping = reserve(reserved, usable: length) { return mapping }
        }
        return nil
    }

    private static func reserve(_ reserved: Int, usable length: Int) -> Mapping? {
        // One huge page longer, then trimmed to start on a 2 MiB boundary. Reserved address
        // space holds no memory and counts against no commit limit until made usable.
        let span = reserved + hugePage
        guard let mapped = mmap(nil, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              mapped != MAP_FAILED else { return nil }
        let lead = (hugePage - Int(bitPattern: mapped) % hugePage) % hugePage
        if lead > 0 { munmap(mapped, lead) }
        let tail = span - lead - reserved
        if tail > 0 { munmap(mapped + lead + reserved, tail) }
        let start = mapped + lead
        // Advice only: where huge pages are off, the mapping works with ordinary pages.
        _ = madvise(start, reserved, MADV_HUGEPAGE)
        guard mprotect(start, length, PROT_READ | PROT_WRITE) == 0 else {
            munmap(start, reserved)
            return nil
        }
        return Mapping(start: start, length: length, reserved: reserved)
    }

    private static func roundUp(_ value: Int, to unit: Int) -> Int {
        (value + unit - 1) / unit * unit
    }
}
