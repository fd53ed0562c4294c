/// For each slot of a table, the last row that gave it a value: it finds a key given twice
/// in one record and the keys a record lacks.
///
/// It is written for every value read, so it is raw storage: an array would check its
/// uniqueness on each write. The bound is still checked, in release builds too: a slot comes
/// from the reader, and raw storage must never be written out of range.
final class RowStamps {
    @exclusivity(unchecked) private var storage: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var capacity: Int
    /// The number of slots.
    @exclusivity(unchecked) private(set) var count = 0

    init() {
        capacity = 64
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deallocate()
    }

    /// Adds a slot that no row has given a value yet.
    func appendSlot() {
        if count == capacity {
            let larger = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: storage, count: count)
            storage.deallocate()
            storage = larger
            capacity *= 2
        }
        (storage + count).initialize(to: -1)
        count += 1
    }

    /// The last row that gave `slot` a value, or -1.
    subscript(slot: Int) -> Int {
        get {
            precondition(slot >= 0 && slot < count, "slot out of range")
            return storage[slot]
        }
        set {
            precondition(slot >= 0 && slot < count, "slot out of range")
            storage[slot] = newValue
        }
    }
}
