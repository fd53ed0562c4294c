/// The values of the Parquet enums this writer uses, as `parquet.thrift` numbers them.
enum PhysicalType: Int32 {
    case boolean = 0, int32 = 1, int64 = 2, float = 4, double = 5, byteArray = 6
}

enum ValueEncoding: Int32 {
    case plain = 0, rle = 3, rleDictionary = 8
}

enum CompressionCodec: Int32 {
    case uncompressed = 0, snappy = 1, gzip = 2, zstd = 6
}

enum PageType: Int32 {
    case dataPage = 0, dictionaryPage = 2
}

enum ConvertedType: Int32 {
    case utf8 = 0, int32 = 17, int64 = 18
}

/// `FieldRepetitionType`.
enum Repetition: Int32 {
    case required = 0, optional = 1
}
