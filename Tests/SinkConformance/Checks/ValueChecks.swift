import FinkExport

/// Checks that values come back exactly as written.
extension ConformanceCheck {
    /// Every storage kind and width, with nulls first, last, in the middle, at a batch
    /// boundary and scattered, a column without nulls and an all-null column of each kind,
    /// over three batches of different sizes (later strings longer than earlier ones).
    package static let everyStorageKind = ConformanceCheck("every storage kind with nulls anywhere, across batches") { sink in
        try ConformanceExport.roundTrip([StorageKindsFixture.make()], with: sink)
    }

    /// Text beyond ASCII, and the characters text formats escape, byte for byte.
    package static let unicodeText = ConformanceCheck("unicode and escaped text byte-exact") { sink in
        let values = [
            "Boötes", "naïve café", "東京都の星", "🔭🌌✨", "👩‍🔬 with a joiner", "e\u{301} combining, not é", "שלום", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
            "tab\there", "line\nfeed", "cr\r\nlf", "  leading and trailing  ", "\u{FEFF}byte-order mark", "quote \" and \\ backslash",
            "<tag attr=\"v\">&amp;</tag>", "comma, separated", "]]> end of CDATA",
        ]
        let schema = TableSchema(name: "unicode", fields: [TableFixture.field("n", .int), TableFixture.field("text", .string)])
        let rows = values.enumerated().map { [ReadValue.integer(Int64($0)), .text($1)] }
        try ConformanceExport.roundTrip([TableFixture(schema: schema, rows: rows, batchSizes: [5, values.count - 5])], with: sink)
    }

    /// 64-bit ids beyond 2^53, where a double would round them.
    package static let largeIntegers = ConformanceCheck("int64 ids above 2^53 exact") { sink in
        let ids: [Int64] = [9_007_199_254_740_993, -9_007_199_254_740_993, Int64.max - 1, Int64.min + 1, Int64.max, Int64.min,
                            1_234_567_890_123_456_789, (1 << 62) + 1]
        let schema = TableSchema(name: "ids", fields: [TableFixture.field("candid", .long, role: .alertId)])
        try ConformanceExport.roundTrip([TableFixture(schema: schema, rows: ids.map { [.integer($0)] })], with: sink)
    }

    /// Negative zero keeps its sign (kept apart so a format that loses it fails here alone).
    package static let signedZero = ConformanceCheck("-0.0 keeps its sign") { sink in
        let schema = TableSchema(name: "zeros", fields: [TableFixture.field("double", .double), TableFixture.field("float", .float)])
        try ConformanceExport.roundTrip([TableFixture(schema: schema, rows: [[.real(-0.0), .real(-0.0)], [.real(0), .real(0)]])], with: sink)
    }

    /// Infinities read back as written, or as null that the writer reported; a NaN that is
    /// present reads as null (NaN is missing).
    package static let nonFiniteReals = ConformanceCheck("infinities exact or reported, NaN null") { sink in
        let schema = TableSchema(name: "nonfinite", fields: [TableFixture.field("double", .double), TableFixture.field("float", .float)])
        let values: [Double] = [.infinity, -.infinity, .nan, 0.5]
        try ConformanceExport.roundTrip([TableFixture(schema: schema, rows: values.map { [.real($0), .real($0)] })], with: sink)
    }
}

/// The table of ``ConformanceCheck/everyStorageKind``.
enum StorageKindsFixture {
    static let batchSizes = [1, 37, 2962]

    static let longs: [Int64] = [0, 1, -1, .max, .min, 9_007_199_254_740_993, -9_007_199_254_740_993, 1_234_567_890_123_456_789,
                                 Int64(Int32.max) + 1]
    static let ints: [Int64] = [0, 1, -1, Int64(Int32.max), Int64(Int32.min), 65_536, -123_456]
    static let doubles: [Double] = [0, 1, -1.5, 0.1, 1.0 / 3, .pi, 1e300, -1e-300, .leastNonzeroMagnitude,
                                    .leastNormalMagnitude, .greatestFiniteMagnitude, 2_461_186.936_169, 18.291_412, 1e-5, 123_456_789]
    /// Doubles that are exactly Floats, so a format may keep a 32-bit column in 32 bits.
    static let floats: [Double] = ([0, 1, 0.1, .pi, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude,
                                    18.291_412, -3.25e-20, 16_777_216] as [Float]).map(Double.init)
    static let texts = ["", "a", "plain text", "comma, and \"quotes\"", "  padded  ", "line\nbreak", "<&>", "naïve"]
    static let asciiTexts = ["", "ZTF21abcdefg", "x", "with space", "a,b", "quote\"d"]

    static func make() -> TableFixture {
        let fields: [Field] = [
            TableFixture.field("id", .long), TableFixture.field("long", .long), TableFixture.field("int", .int),
            TableFixture.field("double", .double), TableFixture.field("float", .float), TableFixture.field("bool", .bool),
            TableFixture.field("text", .string), TableFixture.field("ascii", .string, asciiOnly: true),
            TableFixture.field("none_long", .long), TableFixture.field("none_int", .int), TableFixture.field("none_double", .double),
            TableFixture.field("none_float", .float), TableFixture.field("none_bool", .bool), TableFixture.field("none_text", .string),
        ]
        let count = batchSizes.reduce(0, +)
        let boundary = batchSizes[0] + batchSizes[1]
        let rows = (0 ..< count).map { row -> [ReadValue] in
            // Longer strings only in the last batch: a fixed-width format must widen, never cut.
            let tail = row > boundary ? String(repeating: "w", count: row % 300) : ""
            let present: [ReadValue] = [
                .integer(Int64(row) * 3_000_000_000_001), .integer(longs[row % longs.count]), .integer(ints[row % ints.count]),
                .real(doubles[row % doubles.count]), .real(floats[row % floats.count]), .bool(row % 3 == 0),
                .text(texts[row % texts.count] + tail), .text(asciiTexts[row % asciiTexts.count] + tail),
            ]
            return present.enumerated().map { column, value in
                let isNull = column > 0 && (row == 0 || row == count - 1 || row == count / 2 || row == boundary || (row * 7 + column) % 11 == 0)
                return isNull ? .null : value
            } + Array(repeating: .null, count: 6)
        }
        return TableFixture(schema: TableSchema(name: "kinds", fields: fields), rows: rows, batchSizes: batchSizes)
    }
}
