/// A column's values, appended through a pointer: a capacity check and a store per value,
/// where an array's append also tests its buffer's uniqueness on every call.
///
/// Owned by one ``ColumnBuilder``, which frees it once (``deallocate()`` in its `deinit`);
/// ``array()`` copies the values out for the batch, so nothing outside sees the pointer.
struct AppendBuffer<Element: BitwiseCopyable> {
    private(set) var count = 0
    private var capacity: Int
    private var base: UnsafeMutablePointer<Element>

    init(capacity: Int) {
        self.capacity = Swift.max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow(to: capacity * 2) }
        (base + count).initialize(to: value)
        count &+= 1
    }

    mutating func append(_ value: Element, times: Int) {
        if count + times > capacity { grow(to: Swift.max(capacity * 2, count + times)) }
        (base + count).initialize(repeating: value, count: times)
        count += times
    }

    mutating func removeLast() {
        precondition(count > 0, "removeLast on an empty column")
        count -= 1
    }

    var last: Element? { count > 0 ? base[count - 1] : nil }

    /// The values so far, copied into an array.
    func array() -> [Element] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    /// Empties the buffer, keeping its memory for the next batch.
    mutating func removeAll() {
        count = 0
    }

    /// Frees the memory; the buffer must not be used after.
    func deallocate() {
        base.deallocate()
    }

    private mutating func grow(to newCapacity: Int) {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = newCapacity
    }
}
