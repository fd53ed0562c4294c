import Glibc

/// The distinct strings of a column chunk, in first-seen order, for dictionary encoding:
/// entries packed end to end (the dictionary page's PLAIN body is built from them) and an
/// open-addressing table from a string's bytes to its index.
struct StringDictionary {
    /// The entries' bytes, concatenated.
    private(set) var bytes: [UInt8] = []
    /// `offsets[i] ..< offsets[i + 1]` is entry `i`.
    private(set) var offsets: [Int] = [0]
    /// Entry index + 1 per slot; 0 is an empty slot. The size is a power of two.
    private var slots: [Int32]
    private var hashes: [UInt64] = []

    init() {
        slots = Array(repeating: 0, count: 1024)
    }

    var count: Int { offsets.count - 1 }

    /// The PLAIN size of the entries: a 4-byte length before each.
    var plainSize: Int { bytes.count + 4 * count }

    /// The index of `value`, adding it if new.
    mutating func index(of value: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let hash = Self.hash(value)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = Int(slots[slot])
            if stored == 0 { break }
            let entry = stored - 1
            if hashes[entry] == hash, equals(entry, value) { return UInt32(entry) }
            slot = (slot + 1) & mask
        }
        let entry = count
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
        hashes.append(hash)
        slots[slot] = Int32(entry + 1)
        if count * 2 > slots.count { grow() }
        return UInt32(entry)
    }

    /// Calls `body` with entry `index`'s bytes.
    func withEntry<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[offsets[index] ..< offsets[index + 1]]))
        }
    }

    private func equals(_ entry: Int, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offsets[entry], end = offsets[entry + 1]
        guard end - start == value.count else { return false }
        guard value.count > 0 else { return true }
        return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, value.baseAddress!, value.count) == 0 }
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for entry in 0 ..< count {
            var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(entry + 1)
        }
    }

    /// FNV-1a, then a final mix so the low bits (the slot) depend on every byte.
    private static func hash(_ value: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in value {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        return hash
    }
}
