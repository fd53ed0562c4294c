/// A reader of one body's records that can stop after a number of records and go on later,
/// so the caller takes the batches they made before reading on.
package protocol SteppedRecordReader {
    /// A reader positioned at the body's start.
    init()

    /// Reads up to `records` more records of `bytes` into `handler`; `bytes` must be the same
    /// on every call. Returns whether records may remain.
    ///
    /// - Throws: ``ReadError`` for input that is not a table, or the handler's own errors.
    mutating func read<Handler: RecordHandler>(_ bytes: UnsafeBufferPointer<UInt8>, into handler: inout Handler,
                                               records: Int) throws -> Bool
}

extension SteppedRecordReader {
    /// Reads every record of `bytes` into `handler`.
    package static func read<Handler: RecordHandler>(_ bytes: UnsafeBufferPointer<UInt8>,
                                                     into handler: inout Handler) throws {
        var reader = Self()
        while try reader.read(bytes, into: &handler, records: .max) {}
    }
}
