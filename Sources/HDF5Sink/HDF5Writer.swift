import CHDF5
import FinkExport
import Foundation

/// Writes tables into one HDF5 file, batch by batch.
final class HDF5Writer: TableWriter {
    struct Settings {
        var compressionLevel: Int
        var chunkRows: Int
        var featuresLayout: Bool
        var float32: Bool
    }

    /// The values that stand for a missing integer; the `.mask` member says which rows are missing.
    static let int32Fill = Int64(Int32.min)
    static let int64Fill = Int64.min

    private let destination: SinkDestination
    private let settings: Settings
    private let file: HDF5Handle
    private var table: TableLayout?

    init(destination: SinkDestination, settings: Settings) throws {
        HDF5.library.lock()
        defer { HDF5.library.unlock() }
        _ = HDF5.silenced
        self.destination = destination
        self.settings = settings
        file = try Self.wrap(destination.finalURL.path, "creating the file") {
            let access = try HDF5.id(H5Pcreate(chdf5_file_access()), "creating file-access properties")
            defer { H5Pclose(access) }
            // The 1.8 format: dense attribute storage (provenance and column metadata can
            // exceed 64 KiB), still readable by every HDF5 since 2008.
            try HDF5.check(H5Pset_libver_bounds(access, H5F_LIBVER_V18, H5F_LIBVER_V18), "choosing the file format")
            return try HDF5Handle(H5Fcreate(destination.stagingURL.path, chdf5_acc_excl(), hid_t(H5P_DEFAULT), access), "creating the file")
        }
    }

    func beginTable(_ schema: TableSchema) throws {
        HDF5.library.lock()
        defer { HDF5.library.unlock() }
        try Self.checkNames(schema)
        table = try wrap("starting \(schema.name)") {
            if settings.featuresLayout {
                return try FeatureLayout(file: file.id, schema: schema, settings: settings)
            }
            return try CompoundLayout(file: file.id, schema: schema, settings: settings)
        }
    }

    func write(_ batch: RecordBatch) throws {
        HDF5.library.lock()
        defer { HDF5.library.unlock() }
        guard let table else { throw SinkError.callOrder("write before beginTable") }
        try wrap("writing \(batch.schema.name)") { try table.append(batch) }
    }

    func endTable() throws -> TableWriteReport {
        HDF5.library.lock()
        defer { HDF5.library.unlock() }
        guard let table else { throw SinkError.callOrder("endTable before beginTable") }
        try wrap("finishing \(table.schema.name)") { try table.finish() }
        self.table = nil
        return TableWriteReport()
    }

    func finish(provenance: Provenance) throws {
        HDF5.library.lock()
        defer { HDF5.library.unlock() }
        try wrap("writing the provenance") {
            let root = try HDF5Handle(H5Gopen2(file.id, "/", hid_t(H5P_DEFAULT)), "opening the root group")
            try HDF5Provenance.write(provenance, on: root.id)
            try root.close()
            try HDF5.check(H5Fflush(file.id, H5F_SCOPE_GLOBAL), "flushing the file")
            try file.close()
        }
    }

    func close() {
        HDF5.library.lock()
        defer { HDF5.library.unlock() }
        table?.close()
        table = nil
        try? file.close()
    }

    /// Member names are C strings, and `X.mask` is taken by the mask of `X`.
    static func checkNames(_ schema: TableSchema) throws {
        let names = Set(schema.fields.map(\.name))
        for field in schema.fields {
            if field.name.utf8.contains(0) {
                throw SinkError.columnNameNotHeld(format: "hdf5", column: field.name, reason: "it contains a NUL character")
            }
            let masked = String(field.name.dropLast(5))
            if field.name.hasSuffix(".mask"), names.contains(masked) {
                throw SinkError.columnNameNotHeld(format: "hdf5", column: field.name,
                                                  reason: "it is the name of the mask of \(MessageText.shown(masked))")
            }
        }
    }

    /// Turns a libhdf5 failure into a one-line output error naming the final path.
    private func wrap<T>(_ action: String, _ body: () throws -> T) throws -> T {
        try Self.wrap(destination.finalURL.path, action, body)
    }

    private static func wrap<T>(_ path: String, _ action: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as HDF5Error {
            throw SinkError.write(path: path, action: action, reason: "\(error)")
        }
    }
}

/// How one table is laid out in the file.
protocol TableLayout: AnyObject {
    var schema: TableSchema { get }
    func append(_ batch: RecordBatch) throws
    func finish() throws
    func close()
}
