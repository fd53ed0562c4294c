/// One column's values as a batch is built, appended one at a time into memory that only its
/// ``ColumnBuilder`` holds.
///
/// A Swift array asks the runtime whether its buffer is uniquely referenced on every append
/// (`swift_isUniquelyReferenced_nonNull_native`, 2% of parse + map's instructions, one call per
/// value read); this buffer cannot be shared (it is noncopyable), so it needs no such check. Its
/// memory is kept from batch to batch: ``take()`` copies the values out into an array of their
/// own, as the batch needs, and starts again.
struct ValueBuffer<Element: BitwiseCopyable>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// Values appended since the last ``take()``.
    private(set) var count = 0

    /// A buffer with room for `capacity` values before it grows (none: it grows at the first).
    init(capacity: Int = 0) {
        self.capacity = max(0, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow(toHold: count + 1) }
        (base + count).initialize(to: value)
        count += 1
    }

    /// Appends `repeats` copies of `value`.
    mutating func append(_ value: Element, repeats: Int) {
        guard repeats > 0 else { return }
        if count + repeats > capacity { grow(toHold: count + repeats) }
        (base + count).initialize(repeating: value, count: repeats)
        count += repeats
    }

    /// Room for `total` values without growing.
    mutating func reserve(_ total: Int) {
        if total > capacity { grow(toHold: total) }
    }

    /// The last value, if any.
    var last: Element? { count > 0 ? base[count - 1] : nil }

    /// Removes and returns the last value; there must be one.
    @discardableResult
    mutating func removeLast() -> Element {
        precondition(count > 0, "removeLast on an empty ValueBuffer")
        count -= 1
        return base[count]
    }

    /// Forgets every value, keeping the memory.
    mutating func removeAll() {
        count = 0
    }

    /// The values appended since the last call, as an array; the buffer is then empty.
    mutating func take() -> [Element] {
        let values = Array(UnsafeBufferPointer(start: base, count: count))
        count = 0
        return values
    }

    private mutating func grow(toHold total: Int) {
        let larger = Swift.max(total, capacity * 2, 16)
        let moved = UnsafeMutablePointer<Element>.allocate(capacity: larger)
        moved.moveInitialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }
}
