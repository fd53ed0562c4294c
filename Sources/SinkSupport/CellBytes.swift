/// The bytes of a slice of text cells, appended through a pointer.
///
/// An `Array` append of a few bytes takes a generic path with a uniqueness check; the text
/// sinks make one or two per cell (about a tenth of their write step's instructions, by what
/// this buffer saved). Here an append is a capacity check and a copy, and a formatter can
/// write its text in place (``tail(reserving:)``).
public final class CellBytes {
    @usableFromInline @exclusivity(unchecked) var storage: UnsafeMutablePointer<UInt8>
    @usableFromInline @exclusivity(unchecked) var capacity: Int
    @usableFromInline @exclusivity(unchecked) var length = 0

    /// Whether memory past the bytes appended is zeroed.
    @usableFromInline let zeroed: Bool

    /// An empty buffer of `capacity` bytes; it grows as needed. `zeroed`: the memory past
    /// what is appended is initialized, so a formatter may read back beyond its text (as the
    /// double formatter does); a buffer only ever written in place can do without.
    public init(capacity: Int = 1 << 16, zeroed: Bool = true) {
        self.capacity = Swift.max(capacity, 64)
        self.zeroed = zeroed
        storage = .allocate(capacity: self.capacity)
        if zeroed { storage.initialize(repeating: 0, count: self.capacity) }
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
        // A raw copy: valid whether or not the tail was initialized (`zeroed`).
        UnsafeMutableRawPointer(tail(reserving: bytes.count)).copyMemory(from: source, byteCount: bytes.count)
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
        if zeroed { moved.initialize(repeating: 0, count: larger) }
        UnsafeMutableRawPointer(moved).copyMemory(from: storage, byteCount: length)
        storage.deallocate()
        storage = moved
        capacity = larger
    }

    /// Calls `body` with the bytes appended so far.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: length))
    }
}
