import Glibc

/// The memory behind one exported Arrow structure (a schema or an array node, not its
/// children, which own theirs): everything it points to, freed when the consumer releases it.
/// It sits behind `private_data`, never inside the struct, because the consumer may move the
/// struct by copying its bytes.
final class ExportStorage {
    private var allocations: [UnsafeMutableRawPointer] = []
    private let ledger: ArrowExportLedger

    init(ledger: ArrowExportLedger) {
        self.ledger = ledger
        ledger.recordExport()
    }

    /// Allocated bytes, owned until release (at least one byte, so a pointer is never NULL).
    func allocate(bytes count: Int) -> UnsafeMutableRawPointer {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
        allocations.append(pointer)
        return pointer
    }

    /// A copy of `values`, owned until release.
    func copy<T>(_ values: [T]) -> UnsafeRawPointer {
        let pointer = allocate(bytes: values.count * MemoryLayout<T>.stride)
        values.withUnsafeBytes { source in
            if let base = source.baseAddress { pointer.copyMemory(from: base, byteCount: source.count) }
        }
        return UnsafeRawPointer(pointer)
    }

    /// `text` as a NUL-terminated C string, owned until release.
    func cString(_ text: String) -> UnsafePointer<CChar> {
        let utf8 = Array(text.utf8)
        let pointer = allocate(bytes: utf8.count + 1).bindMemory(to: CChar.self, capacity: utf8.count + 1)
        for (index, byte) in utf8.enumerated() { pointer[index] = CChar(bitPattern: byte) }
        pointer[utf8.count] = 0
        return UnsafePointer(pointer)
    }

    /// Room for `count` values of `T`, uninitialised, owned until release.
    func buffer<T>(of type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        allocate(bytes: count * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: max(count, 1))
    }

    /// Passes ownership to C: the returned pointer keeps this storage alive until
    /// ``release(_:)``.
    func retainedPointer() -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(self).toOpaque()
    }

    /// Ends the ownership taken by ``retainedPointer()``.
    static func release(_ pointer: UnsafeMutableRawPointer) {
        Unmanaged<ExportStorage>.fromOpaque(pointer).release()
    }

    deinit {
        for pointer in allocations { pointer.deallocate() }
        ledger.recordRelease()
    }
}
