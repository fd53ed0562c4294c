/// The Thrift `PageHeader` written before every page body: a v1 data page or a dictionary page.
struct PageHeader {
    enum Kind {
        /// `num_values` counts nulls too (one definition level per row).
        case data(numValues: Int32, encoding: ValueEncoding)
        /// `entries` dictionary values, PLAIN-encoded.
        case dictionary(entries: Int32)
    }

    var kind: Kind
    /// The body's size before compression, header excluded.
    var uncompressedSize: Int32
    /// The body's size as stored.
    var compressedSize: Int32

    var type: PageType {
        switch kind {
        case .data: return .dataPage
        case .dictionary: return .dictionaryPage
        }
    }

    func encoded() -> [UInt8] {
        var thrift = ThriftCompactWriter()
        thrift.field(1, i32: type.rawValue)
        thrift.field(2, i32: uncompressedSize)
        thrift.field(3, i32: compressedSize)
        switch kind {
        case .data(let numValues, let encoding):
            thrift.field(5) { header in
                header.field(1, i32: numValues)
                header.field(2, i32: encoding.rawValue)
                // Definition and repetition levels are always RLE/bit-packed hybrid.
                header.field(3, i32: ValueEncoding.rle.rawValue)
                header.field(4, i32: ValueEncoding.rle.rawValue)
            }
        case .dictionary(let entries):
            thrift.field(7) { header in
                header.field(1, i32: entries)
                header.field(2, i32: ValueEncoding.plain.rawValue)
            }
        }
        thrift.endStruct()
        return thrift.bytes
    }
}
