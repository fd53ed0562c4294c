import Foundation

/// The mappings that large bodies are received into, kept after a body is released so the
/// next bodies of about its size reuse memory already faulted in.
///
/// A fresh mapping costs the kernel a fault and zeroing per huge page, and on a virtual machine
/// that hands freed memory back to its host (free page reporting) much more: here, 512 MB that
/// had been freed a second earlier took 0.75–1.3 s to fault in again, against 0.06 s for memory
/// still in use. Every objects answer is a new body, so without reuse an export faults in as
/// much fresh memory as the API sends it.
///
/// What is kept stays bounded by what the export needed anyway: a mapping is reused only for a
/// body of at least half its length, at most ``keptLimit`` are kept, and before a new mapping
/// is made, kept ones are released until the mappings in use, those kept and the new one
/// together hold no more bytes than the most ever in use at once.
///
/// Safe from any thread: bodies are received on the transport's threads and released wherever
/// their `Data` goes.
final class BodyMappingPool: @unchecked Sendable {
    /// One anonymous mapping, starting on a 2 MiB boundary.
    struct Mapping {
        let start: UnsafeMutableRawPointer
        let length: Int
    }

    /// How many released mappings are kept at most.
    static let keptLimit = 4
    static let hugePage = 2 << 20
    static let page = 4096

    private let lock = NSLock()
    /// Released mappings, oldest first.
    private var kept: [Mapping] = []
    private var keptBytes = 0
    private var bytesInUse = 0
    private var mostBytesInUse = 0

    /// Gives a mapping back to the system; replaceable so that tests can see which go.
    private let unmap: @Sendable (Mapping) -> Void

    init(unmap: @escaping @Sendable (Mapping) -> Void = { munmap($0.start, $0.length) }) {
        self.unmap = unmap
    }

    deinit {
        kept.forEach(unmap)
    }

    /// A mapping of at least `length` bytes: a kept one if one fits, else a new one (nil when
    /// the system has no memory for it).
    func take(atLeast length: Int) -> Mapping? {
        let length = (length + Self.page - 1) / Self.page * Self.page
        var released: [Mapping] = []
        // Unmapped outside the lock: other threads release bodies meanwhile.
        defer { released.forEach(unmap) }
        let reused: Mapping? = lock.withLock {
            let fitting = kept.indices.filter { kept[$0].length >= length && kept[$0].length / 2 <= length }
            if let best = fitting.min(by: { kept[$0].length < kept[$1].length }) {
                let mapping = kept.remove(at: best)
                keptBytes -= mapping.length
                bytesInUse += mapping.length
                mostBytesInUse = max(mostBytesInUse, bytesInUse)
                return mapping
            }
            // Largest first: the fewest mappings given up to make room.
            while let largest = kept.indices.max(by: { kept[$0].length < kept[$1].length }),
                  bytesInUse + keptBytes + length > mostBytesInUse {
                let mapping = kept.remove(at: largest)
                keptBytes -= mapping.length
                released.append(mapping)
            }
            bytesInUse += length
            mostBytesInUse = max(mostBytesInUse, bytesInUse)
            return nil
        }
        if let reused { return reused }
        guard let mapping = Self.map(length) else {
            lock.withLock { bytesInUse -= length }
            return nil
        }
        return mapping
    }

    /// Takes back a mapping from ``take(atLeast:)`` once its body is no longer used.
    func release(_ mapping: Mapping) {
        let oldest: Mapping? = lock.withLock {
            bytesInUse -= mapping.length
            kept.append(mapping)
            keptBytes += mapping.length
            guard kept.count > Self.keptLimit else { return nil }
            let oldest = kept.removeFirst()
            keptBytes -= oldest.length
            return oldest
        }
        if let oldest { unmap(oldest) }
    }

    /// A new mapping of `length` bytes (whole pages) on a 2 MiB boundary, with transparent huge
    /// pages advised for its whole 2 MiB pieces (one fault per 2 MiB where the kernel has them,
    /// ordinary pages where it does not); its ragged end keeps ordinary pages, so it holds no
    /// more than a page beyond `length` (a huge page there would hold a megabyte more on average).
    private static func map(_ length: Int) -> Mapping? {
        // Mapped one huge page longer, then trimmed to start on a 2 MiB boundary.
        let reserved = length + hugePage
        guard let mapped = mmap(nil, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapped != MAP_FAILED else { return nil }
        let lead = (hugePage - Int(bitPattern: mapped) % hugePage) % hugePage
        if lead > 0 { munmap(mapped, lead) }
        let tail = reserved - lead - length
        if tail > 0 { munmap(mapped + lead + length, tail) }
        // Advice only: where huge pages are off, the mapping works with ordinary pages.
        _ = madvise(mapped + lead, length / hugePage * hugePage, MADV_HUGEPAGE)
        return Mapping(start: mapped + lead, length: length)
    }
}
