import CHDF5

/// An HDF5 identifier owned by one object: it is closed exactly once, by ``close()`` (which
/// reports libhdf5's failure, such as a flush that failed) or else when the owner goes away.
final class HDF5Handle {
    private(set) var id: hid_t

    /// Takes ownership of `id`, which must be valid (checked by ``HDF5/id(_:_:)`` first).
    init(_ id: hid_t) {
        self.id = id
    }

    /// Opens or creates an object with `make` and owns the identifier it returns.
    convenience init(_ make: @autoclosure () -> hid_t, _ action: @autoclosure () -> String) throws {
        self.init(try HDF5.id(make(), action()))
    }

    deinit {
        HDF5.close(id)
    }

    /// Closes the identifier now; later calls do nothing.
    func close() throws {
        guard id >= 0 else { return }
        let closing = id
        id = -1
        try HDF5.check(HDF5.closeChecked(closing), "closing an HDF5 object")
    }
}
