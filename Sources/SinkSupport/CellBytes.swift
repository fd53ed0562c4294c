/// The bytes of a slice of text cells, appended through a pointer.
///
/// An `Array` append of a few bytes takes a generic path with a uniqueness check; the text
/// sinks make one or two per cell, a fifth of their write step. Here an append is a capacity
/// check and a copy, and a formatter can write its text in place (``tail(reserving:)``).
public final class CellBytes {
    @usableFromInline @exclusivity(unchecked) var storage: UnsafeMutablePointer<UInt8>
    @usableFromInline @exclusivity(unchecked) var capacity: Int
    @usableFromInline @exclusivity(unchecked) var length = 0

    /// An empty buffer of `capacity` bytes; it grows as needed.
    public init(capacity: Int = 1 << 16) {
        self.capacity = Swift.max(capacity, 64)
        storage = .allocate(capacity: self.capacity)
        // Always initialized, so a formatter may read back what it wrote past its text.
        storage.initialize(repeating: 0, count: self.capacity)
    }

    deinit {
        storage.deallocate()
    }

    /// The bytes appended so far.
    @inlinable public var count: Int { length }

    /// Empties the buffer, keeping its memory.
    @inlinable public func removeAll() {
        length = 0
    }

    /// Where `extra` more bytes can be written; ``didWrite(_:)`` then says how many were.
    @inlinable
    public func tail(reserving extra: Int) -> UnsafeMutablePointer<UInt8> {
        if length &+ extra > capacity { grow(to: length &+ extra) }
        return storage + length
    }

    /// Counts `written` bytes written at ``tail(reserving:)``.
    @inlinable
    public func didWrite(_ written: Int) {
        length &+= written
    }

    /// Appends one byte.
    @inlinable
    public func append(_ byte: UInt8) {
        tail(reserving: 1).pointee = byte
        length &+= 1
    }

    /// Appends `bytes`.
    @inlinable
    public func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        tail(reserving: bytes.count).update(from: source, count: bytes.count)
        length &+= bytes.count
    }

    /// Appends a literal.
    @inlinable
    public func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @usableFromInline
    func grow(to needed: Int) {
        let larger = Swift.max(needed, capacity * 2)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(repeating: 0, count: larger)
        moved.update(from: storage, count: length)
        storage.deallocate()
        storage = moved
        capacity = larger
    }

    /// Calls `body` with the bytes appended so far.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: length))
    }
}
