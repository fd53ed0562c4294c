import Testing

/// The suites that call libhdf5 in this process (the HDF5 sink, the kit's HDF5 reader).
/// Debian's libhdf5 is not thread-safe and the kit's reader does not share the sink's lock, so
/// these suites run one after another; each is nested in this one.
@Suite("In-process libhdf5 users, one at a time", .serialized)
struct InProcessHDF5 {}
