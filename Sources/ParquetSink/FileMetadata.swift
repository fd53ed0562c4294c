/// One leaf of the flat schema: a column's physical type and its annotations.
struct LeafColumn {
    var name: String
    var type: PhysicalType
    var repetition: Repetition
    /// `INT(bitWidth, signed)` for integers, `STRING` for text; nil for reals and booleans.
    var logical: Logical?

    enum Logical {
        case integer(bitWidth: Int8)
        case string

        /// The deprecated annotation every reader still understands, written beside the new one.
        var converted: ConvertedType {
            switch self {
            case .integer(let width): return width == 32 ? .int32 : .int64
            case .string: return .utf8
            }
        }
    }
}

/// What the footer says about one column chunk, gathered while it was written.
struct ColumnChunkRecord {
    var column: LeafColumn
    var encodings: [ValueEncoding]
    var codec: CompressionCodec
    /// Values including nulls: one per row of the row group.
    var numValues: Int64
    /// Page headers plus bodies before compression.
    var totalUncompressedSize: Int64
    /// Page headers plus bodies as stored: the chunk's span in the file.
    var totalCompressedSize: Int64
    var dataPageOffset: Int64
    var dictionaryPageOffset: Int64?
    var statistics: ChunkStatistics
    /// Pages by type and encoding.
    var pageCounts: [(type: PageType, encoding: ValueEncoding, count: Int32)]

    func encode(into thrift: inout ThriftCompactWriter) {
        // ColumnChunk: file_offset is deprecated but required; 0 as the spec's default.
        thrift.field(2, i64: 0)
        thrift.field(3) { meta in
            meta.field(1, i32: column.type.rawValue)
            meta.field(2, i32List: encodings.map(\.rawValue))
            meta.field(3, stringList: [column.name])
            meta.field(4, i32: codec.rawValue)
            meta.field(5, i64: numValues)
            meta.field(6, i64: totalUncompressedSize)
            meta.field(7, i64: totalCompressedSize)
            meta.field(9, i64: dataPageOffset)
            if let dictionaryPageOffset { meta.field(11, i64: dictionaryPageOffset) }
            meta.field(12) { statistics.encode(as: column.type, into: &$0) }
            meta.field(13, structList: pageCounts) { stats, count in
                stats.field(1, i32: count.type.rawValue)
                stats.field(2, i32: count.encoding.rawValue)
                stats.field(3, i32: count.count)
            }
        }
    }
}

/// One row group as the footer lists it.
struct RowGroupRecord {
    var columns: [ColumnChunkRecord]
    var numRows: Int64
    /// The group's index in the file; the footer's field is an i16, so it is left out past that.
    var ordinal: Int

    func encode(into thrift: inout ThriftCompactWriter) {
        thrift.field(1, structList: columns) { chunk, column in column.encode(into: &chunk) }
        thrift.field(2, i64: columns.reduce(0) { $0 + $1.totalUncompressedSize })
        thrift.field(3, i64: numRows)
        if let first = columns.first {
            thrift.field(5, i64: first.dictionaryPageOffset ?? first.dataPageOffset)
        }
        thrift.field(6, i64: columns.reduce(0) { $0 + $1.totalCompressedSize })
        if ordinal <= Int(Int16.max) { thrift.field(7, i16: Int16(ordinal)) }
    }
}

/// The Thrift `FileMetaData` of the footer.
struct FileMetadata {
    var rootName: String
    var columns: [LeafColumn]
    var numRows: Int64
    var rowGroups: [RowGroupRecord]
    var keyValues: [(key: String, value: String)]
    var createdBy: String

    func encoded() -> [UInt8] {
        var thrift = ThriftCompactWriter()
        // Version 1: what the specification asks writers to put, whatever features they use.
        thrift.field(1, i32: 1)
        thrift.fieldHeader(2, .list)
        thrift.listHeader(columns.count + 1, of: .structure)
        thrift.beginStruct()
        thrift.field(4, string: rootName)
        thrift.field(5, i32: Int32(columns.count))
        thrift.endStruct()
        for column in columns {
            thrift.beginStruct()
            thrift.field(1, i32: column.type.rawValue)
            thrift.field(3, i32: column.repetition.rawValue)
            thrift.field(4, string: column.name)
            if let logical = column.logical {
                thrift.field(6, i32: logical.converted.rawValue)
                thrift.field(10) { annotation in
                    switch logical {
                    case .string:
                        annotation.field(1, emptyStruct: ())
                    case .integer(let bitWidth):
                        annotation.field(10) { integer in
                            integer.field(1, i8: bitWidth)
                            integer.field(2, bool: true)
                        }
                    }
                }
            }
            thrift.endStruct()
        }
        thrift.field(3, i64: numRows)
        thrift.field(4, structList: rowGroups) { group, record in record.encode(into: &group) }
        thrift.field(5, structList: keyValues) { pair, entry in
            pair.field(1, string: entry.key)
            pair.field(2, string: entry.value)
        }
        thrift.field(6, string: createdBy)
        // TYPE_ORDER for every leaf: the order min_value and max_value follow.
        thrift.field(7, structList: columns) { order, _ in order.field(1, emptyStruct: ()) }
        thrift.endStruct()
        return thrift.bytes
    }
}
