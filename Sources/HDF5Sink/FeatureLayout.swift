import CHDF5
import FinkExport

/// The ML layout: a group per table holding `features`, a 2-D matrix of the expanded
/// features (NaN where missing) with their names in its `columns` attribute, and 1-D
/// `objectId`, `candid`, `label` and `score` of the same length (the columns with those
/// roles in the schema, where the table has them), so `X = f["objects/features"][:]` is one line.
final class FeatureLayout: TableLayout {
    /// The vectors beside the matrix: the dataset name, the role it holds, its on-disk kind.
    private static let vectorRoles: [(name: String, role: ColumnRole, kind: MemberKind)] = [
        ("objectId", .objectId, .string(width: 16)), ("candid", .alertId, .int64),
        ("label", .classLabel, .string(width: 16)), ("score", .anomalyScore, .float64),
    ]

    let schema: TableSchema
    private let group: HDF5Handle
    private let featureColumns: [Int]
    private let matrix: FeatureMatrix
    private var vectors: [(column: Int, dataset: ExtendableDataset)] = []

    init(file: hid_t, schema: TableSchema, settings: HDF5Writer.Settings) throws {
        self.schema = schema
        featureColumns = schema.fields.indices.filter { schema.fields[$0].isExpandedFeature }
        guard !featureColumns.isEmpty else { throw SinkError.needsExpandedFeatures(format: "hdf5", layout: "features") }
        group = try HDF5Handle(H5Gcreate2(file, schema.name, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)),
                               "creating group \(schema.name)")
        matrix = try FeatureMatrix(parent: group.id, width: featureColumns.count, float32: settings.float32,
                                   chunkRows: settings.chunkRows, compressionLevel: settings.compressionLevel)
        for (name, role, kind) in Self.vectorRoles {
            guard let column = schema.index(of: role), schema.fields[column].storage == Self.storage(of: kind) else { continue }
            let chunkRows = settings.chunkRows > 0 ? settings.chunkRows : ExtendableDataset.defaultChunkRows(rowSize: kind.size)
            vectors.append((column, try ExtendableDataset(parent: group.id, name: name, members: [Member(name: name, kind: kind)],
                                                          plain: true, chunkRows: chunkRows, compressionLevel: settings.compressionLevel)))
        }
    }

    private static func storage(of kind: MemberKind) -> StorageKind {
        switch kind {
        case .float64, .float32: return .real
        case .int64, .int32: return .integer
        case .bool: return .boolean
        case .string: return .text
        }
    }

    func append(_ batch: RecordBatch) throws {
        try matrix.append(batch, columns: featureColumns)
        for (column, dataset) in vectors {
            let values = batch.columns[column]
            var widths: [Int?] = [nil]
            if case .text(let text) = values.values {
                widths = [(0 ..< batch.rowCount).map { text.range(of: $0).count }.max() ?? 0]
            }
            try dataset.append(count: batch.rowCount, widths: widths) { base in
                let size = dataset.rowSize
                for row in 0 ..< batch.rowCount {
                    let cell = base + row * size
                    let valid = values.isValid(row)
                    switch values.values {
                    case .integer(let v): cell.storeBytes(of: (valid ? v[row] : HDF5Writer.int64Fill).littleEndian, as: Int64.self)
                    case .real(let v): cell.storeBytes(of: (valid ? v[row] : .nan).bitPattern.littleEndian, as: UInt64.self)
                    case .boolean(let v): cell.storeBytes(of: UInt8(valid && v[row] ? 1 : 0), as: UInt8.self)
                    case .text(let text):
                        let range = text.range(of: row)
                        guard valid, !range.isEmpty else { continue }
                        text.bytes.withUnsafeBytes { cell.copyMemory(from: $0.baseAddress! + range.lowerBound, byteCount: range.count) }
                    }
                }
            }
        }
    }

    func finish() throws {
        try HDF5Attributes.write("columns", strings: featureColumns.map { schema.fields[$0].name }, on: matrix.id)
        try HDF5Attributes.write("sources", strings: featureColumns.map { schema.fields[$0].sourceName }, on: matrix.id)
        try HDF5Attributes.write("nulls", string: "features and score: NaN; candid: the int64 fill value; objectId and label: empty", on: group.id)
        try HDF5Attributes.write("int64_fill_value", integer: HDF5Writer.int64Fill, on: group.id)
        try matrix.finish()
        for (_, dataset) in vectors { try dataset.finish() }
        vectors = []
        try group.close()
    }

    func close() {
        try? matrix.close()
        for (_, dataset) in vectors { try? dataset.close() }
        vectors = []
        try? group.close()
    }
}

/// A 2-D float dataset `(rows, width)` grown by rows, chunked by whole rows, its chunks
/// compressed in parallel by a ``ChunkAppender``.
final class FeatureMatrix {
    private var dataset: HDF5Handle
    /// The dataset's identifier (for attributes).
    var id: hid_t { dataset.id }
    private let width: Int
    private let float32: Bool
    private let appender: ChunkAppender

    init(parent: hid_t, width: Int, float32: Bool, chunkRows: Int, compressionLevel: Int) throws {
        self.width = width
        self.float32 = float32
        let element = float32 ? MemberKind.float32 : .float64
        let type = try element.makeType()
        defer { H5Tclose(type) }
        var current: [hsize_t] = [0, hsize_t(width)]
        var maximum: [hsize_t] = [chdf5_unlimited(), hsize_t(width)]
        let space = try HDF5.id(H5Screate_simple(2, &current, &maximum), "creating the feature dataspace")
        defer { H5Sclose(space) }
        let rowsPerChunk = chunkRows > 0 ? chunkRows : ExtendableDataset.defaultChunkRows(rowSize: width * element.size)
        let properties = try ChunkAppender.creationProperties(chunkRows: rowsPerChunk, width: width,
                                                              compressionLevel: compressionLevel, name: "features")
        defer { H5Pclose(properties) }
        dataset = try HDF5Handle(H5Dcreate2(parent, "features", type, space, hid_t(H5P_DEFAULT), properties, hid_t(H5P_DEFAULT)),
                                 "creating features")
        appender = ChunkAppender(name: "features", rowBytes: width * element.size, chunkRows: rowsPerChunk,
                                 elementSize: element.size, compressionLevel: compressionLevel, width: width)
    }

    func append(_ batch: RecordBatch, columns: [Int]) throws {
        let count = batch.rowCount
        guard count > 0 else { return }
        let element = float32 ? MemberKind.float32 : .float64
        var buffer = [UInt8](repeating: 0, count: count * width * element.size)
        buffer.withUnsafeMutableBytes { raw in
            for (position, column) in columns.enumerated() {
                guard case .real(let values) = batch.columns[column].values else { continue }
                let validity = batch.columns[column]
                for row in 0 ..< count {
                    let value = validity.isValid(row) ? values[row] : .nan
                    let offset = (row * width + position) * element.size
                    if float32 {
                        raw.storeBytes(of: Float(value).bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self)
                    } else {
                        raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: offset, as: UInt64.self)
                    }
                }
            }
        }
        try buffer.withUnsafeBytes { try appender.append($0.baseAddress!, count: count, to: id) }
    }

    /// Stores the last rows, then closes the dataset.
    func finish() throws {
        try appender.finish(into: id)
        try close()
    }

    func close() throws {
        try dataset.close()
    }
}
