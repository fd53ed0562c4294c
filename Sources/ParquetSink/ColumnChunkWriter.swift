import FinkExport

/// Encodes one column of the current row group into pages, compressed as they fill and kept
/// in the writer's ``PageSpool`` until the row group is written out; then starts the next chunk.
///
/// Every column is OPTIONAL (a definition level per row: 1 for a value, 0 for a null) and
/// written in v1 data pages: `[4-byte length + hybrid levels][values]`. Values are PLAIN,
/// except text, which is dictionary-encoded.
///
/// A text column keeps one encoding in every chunk of the file: fastparquet misreads a column
/// whose chunks mix dictionary and PLAIN pages, or differ between row groups (pyarrow's own
/// files as well). So after the first batch, ``decideEncoding(projectedRows:)`` projects the
/// dictionary to a full row group and turns the column PLAIN for good if it would outgrow
/// ``dictionaryLimit``; a dictionary that outgrows it anyway ends its row group early
/// (``dictionaryFull``), so every chunk holds at most one dictionary page.
final class ColumnChunkWriter {
    /// Uncompressed bytes at which a page is closed.
    static let pageLimit = 1 << 20
    /// PLAIN bytes a chunk's dictionary may reach: a column projected past it is PLAIN, and a
    /// dictionary that passes it ends its row group.
    static let dictionaryLimit = 1 << 20

    let column: LeafColumn
    private let compressor: PageCompressor
    private let spool: PageSpool

    // The open page.
    private var levels = HybridEncoder(bitWidth: 1)
    private var pageRows = 0
    private var plain: [UInt8] = []
    private var booleanBits: UInt8 = 0
    private var booleanCount = 0
    private var indices: [UInt32] = []

    // The chunk so far.
    private var dictionary: StringDictionary?
    /// Whether the chunks of this column are dictionary-encoded.
    private var usesDictionary: Bool
    /// Whether the encoding is settled (after the first rows of a text column).
    private(set) var encodingDecided: Bool
    /// The chunk's pages so far (header and body each), in the spool.
    private var pages: [PageSpool.Page] = []
    private var pagesByteCount = 0
    private var pageCounts: [ValueEncoding: Int32] = [:]
    private var uncompressedSize = 0
    private var rows = 0
    private var statistics = ChunkStatistics()

    init(column: LeafColumn, compressor: PageCompressor, spool: PageSpool) {
        self.column = column
        self.compressor = compressor
        self.spool = spool
        usesDictionary = column.type == .byteArray
        encodingDecided = column.type != .byteArray
        startChunk()
    }

    /// The chunk's size so far before compression: what row groups are sized by.
    var estimatedSize: Int {
        uncompressedSize + plain.count + indices.count * 4 + (dictionary?.plainSize ?? 0)
    }

    /// The most UTF-8 bytes in one value of the table so far (text columns; kept across chunks).
    private(set) var longestText = 0

    /// Whether the chunk's dictionary outgrew its limit: the row group should end now.
    var dictionaryFull: Bool { (dictionary?.plainSize ?? 0) > Self.dictionaryLimit }

    /// Rows in the chunk so far.
    var rowCount: Int { rows + pageRows }

    /// Appends every row of `column`, whose values are of this column's storage.
    func append(_ column: Column) throws {
        switch column.values {
        case .integer(let values):
            appendIntegers(values, validity: column.validity)
        case .real(let values):
            appendReals(values, validity: column.validity)
        case .boolean(let values):
            appendBooleans(values, validity: column.validity)
        case .text(let values):
            appendText(values, validity: column.validity)
        }
        if openPageBytes >= Self.pageLimit { try closePage() }
    }

    // MARK: Values
    //
    // The loops run on local copies of the page's buffers (``withPage(_:)``): changing a class's
    // stored properties inside them costs an exclusivity check per access, measured at a fifth
    // of the sink's time.

    /// The open page's levels, PLAIN bytes and the chunk's statistics, moved out for `body` and
    /// back after it.
    private func withPage<R>(_ body: (inout HybridEncoder, inout [UInt8], inout ChunkStatistics) throws -> R) rethrows -> R {
        var levels = self.levels, plain = self.plain, statistics = self.statistics
        // Emptied while moved out, so the locals are the buffers' only owners (no copy on write).
        self.plain = []
        defer {
            self.levels = levels
            self.plain = plain
            self.statistics = statistics
        }
        return try body(&levels, &plain, &statistics)
    }

    /// Writes each row's definition level and calls `value` with each row that holds one
    /// (valid, and not `isNull`); returns the number of nulls.
    @inline(__always)
    private static func eachPresent(_ count: Int, validity: [Bool]?, levels: inout HybridEncoder,
                                    isNull: (Int) -> Bool = { _ in false }, _ value: (Int) -> Void) -> Int {
        var nulls = 0
        for row in 0 ..< count {
            guard validity?[row] ?? true, !isNull(row) else {
                levels.append(0)
                nulls += 1
                continue
            }
            levels.append(1)
            value(row)
        }
        return nulls
    }

    private func appendIntegers(_ values: [Int64], validity: [Bool]?) {
        let narrow = self.column.type == .int32
        withPage { levels, plain, statistics in
            var low = Int64.max, high = Int64.min, nulls = 0
            plain.appendInPlace(capacity: values.count * (narrow ? 4 : 8)) { out in
                var stored = 0
                nulls = Self.eachPresent(values.count, validity: validity, levels: &levels) { row in
                    let value = values[row]
                    low = min(low, value)
                    high = max(high, value)
                    if narrow {
                        out.storeBytes(of: Int32(truncatingIfNeeded: value).littleEndian, toByteOffset: stored, as: Int32.self)
                        stored += 4
                    } else {
                        out.storeBytes(of: value.littleEndian, toByteOffset: stored, as: Int64.self)
                        stored += 8
                    }
                }
                return stored
            }
            statistics.addNulls(nulls)
            if nulls < values.count { statistics.add(min: low, max: high) }
        }
        pageRows += values.count
    }

    /// A NaN is a null: fink-export keeps NaN for a missing real, as the API sends it.
    private func appendReals(_ values: [Double], validity: [Bool]?) {
        let float32 = self.column.type == .float
        if validity == nil, !float32, appendPresentDoubles(values) { return }
        withPage { levels, plain, statistics in
            var low = Double.infinity, high = -Double.infinity, nulls = 0
            plain.appendInPlace(capacity: values.count * (float32 ? 4 : 8)) { out in
                var stored = 0
                nulls = Self.eachPresent(values.count, validity: validity, levels: &levels, isNull: { values[$0].isNaN }) { row in
                    let value = values[row]
                    low = min(low, value)
                    high = max(high, value)
                    if float32 {
                        out.storeBytes(of: Float(value).bitPattern.littleEndian, toByteOffset: stored, as: UInt32.self)
                        stored += 4
                    } else {
                        out.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: stored, as: UInt64.self)
                        stored += 8
                    }
                }
                return stored
            }
            statistics.addNulls(nulls)
            if nulls < values.count { statistics.add(min: low, max: high) }
        }
        pageRows += values.count
    }

    /// A double column whose batch holds a value in every row: one run of definition levels, and
    /// the values' bytes as they are in memory (PLAIN is little-endian IEEE 754). Returns false,
    /// having written nothing, when a value is NaN (a null) or the host is big-endian.
    private func appendPresentDoubles(_ values: [Double]) -> Bool {
        #if _endian(little)
        var low = Double.infinity, high = -Double.infinity, sawNaN = false
        for value in values {
            sawNaN = sawNaN || value.isNaN
            low = min(low, value)
            high = max(high, value)
        }
        guard !sawNaN else { return false }
        withPage { levels, plain, statistics in
            levels.append(1, count: values.count)
            values.withUnsafeBytes { plain.append(contentsOf: $0) }
            if !values.isEmpty { statistics.add(min: low, max: high) }
        }
        pageRows += values.count
        return true
        #else
        return false
        #endif
    }

    /// PLAIN booleans are bit-packed, least significant bit first.
    private func appendBooleans(_ values: [Bool], validity: [Bool]?) {
        var bits = booleanBits, count = booleanCount
        withPage { levels, plain, statistics in
            let nulls = Self.eachPresent(values.count, validity: validity, levels: &levels) { row in
                let value = values[row]
                statistics.add(value)
                if value { bits |= 1 << UInt8(count & 7) }
                count += 1
                if count & 7 == 0 {
                    plain.append(bits)
                    bits = 0
                }
            }
            statistics.addNulls(nulls)
        }
        booleanBits = bits
        booleanCount = count
        pageRows += values.count
    }

    private func appendText(_ values: TextColumn, validity: [Bool]?) {
        var dictionary = self.dictionary, indices = self.indices, longest = longestText
        self.dictionary = nil
        self.indices = []
        withPage { levels, plain, statistics in
            let nulls = values.bytes.withUnsafeBufferPointer { all in
                Self.eachPresent(values.count, validity: validity, levels: &levels) { row in
                    let value = UnsafeBufferPointer(rebasing: all[values.range(of: row)])
                    longest = max(longest, value.count)
                    if dictionary != nil {
                        indices.append(dictionary!.index(of: value))
                    } else {
                        statistics.add(text: value)
                        plain.appendByteArray(value)
                    }
                }
            }
            statistics.addNulls(nulls)
        }
        self.dictionary = dictionary
        self.indices = indices
        longestText = longest
        pageRows += values.count
    }

    /// Settles the encoding from the rows seen so far, expecting `projectedRows` rows per
    /// row group: PLAIN if the dictionary, growing as it has, would pass the limit. The open
    /// page's indices are then rewritten as PLAIN values.
    func decideEncoding(projectedRows: Int) {
        guard !encodingDecided, let dictionary, rowCount > 0 else { return }
        encodingDecided = true
        let projected = Double(dictionary.plainSize) / Double(rowCount) * Double(max(projectedRows, rowCount))
        // Pages already closed hold indices: too late to change (a first batch past 1 MiB of indices).
        guard projected > Double(Self.dictionaryLimit), pageCounts.isEmpty else { return }
        for index in indices {
            dictionary.withEntry(Int(index)) { value in
                statistics.add(text: value)
                plain.appendByteArray(value)
            }
        }
        indices.removeAll()
        self.dictionary = nil
        usesDictionary = false
    }

    /// Bytes of the open page before compression.
    var openPageBytes: Int {
        plain.count + indices.count * HybridEncoder.bitWidth(forMaximum: max(1, (dictionary?.count ?? 1) - 1)) / 8
    }

    // MARK: Pages

    /// Encodes, compresses and keeps the open page: when it reaches ``pageLimit``, at the end of
    /// the chunk, or whenever the writer asks (the row group's open pages are over budget).
    func closePage() throws {
        guard pageRows > 0 else { return }
        let levelBytes = levels.finish()
        let encoding: ValueEncoding = dictionary == nil ? .plain : .rleDictionary
        if encoding == .plain && booleanCount & 7 != 0 { plain.append(booleanBits) }
        try compressor.compressPage({ body in
            body.appendLittleEndian(UInt32(levelBytes.count))
            body.append(contentsOf: levelBytes)
            if let dictionary {
                let width = max(1, HybridEncoder.bitWidth(forMaximum: max(0, dictionary.count - 1)))
                body.append(UInt8(width))
                var encoder = HybridEncoder(bitWidth: width)
                for index in indices { encoder.append(index) }
                body.append(contentsOf: encoder.finish())
            } else {
                body.append(contentsOf: plain)
            }
        }) { bodyCount, stored in
            let header = PageHeader(kind: .data(numValues: Int32(pageRows), encoding: encoding),
                                    uncompressedSize: Int32(bodyCount), compressedSize: Int32(stored.count)).encoded()
            pages.append(try spool.append(header: header, stored: stored))
            pagesByteCount += header.count + stored.count
            uncompressedSize += header.count + bodyCount
        }
        pageCounts[encoding, default: 0] += 1
        rows += pageRows
        levels = HybridEncoder(bitWidth: 1)
        pageRows = 0
        plain.removeAll(keepingCapacity: true)
        booleanBits = 0
        booleanCount = 0
        indices.removeAll(keepingCapacity: true)
    }

    private func startChunk() {
        dictionary = usesDictionary ? StringDictionary() : nil
        pages = []
        pagesByteCount = 0
        pageCounts = [:]
        uncompressedSize = 0
        rows = 0
        statistics = ChunkStatistics()
    }

    /// Closes the open page and writes the chunk at `offset` through `write`: the dictionary
    /// page first when any page used it, then the data pages. Starts the next chunk.
    func writeChunk(at offset: Int64, _ write: (UnsafeRawBufferPointer) throws -> Void) throws -> ColumnChunkRecord {
        try closePage()
        var position = offset
        var dictionaryOffset: Int64?
        var totalUncompressed = uncompressedSize
        var counts = pageCounts.sorted { $0.key.rawValue < $1.key.rawValue }.map { (type: PageType.dataPage, encoding: $0.key, count: $0.value) }
        if let dictionary, pageCounts[.rleDictionary] != nil {
            try compressor.compressPage({ body in
                body.reserveCapacity(dictionary.plainSize)
                for entry in 0 ..< dictionary.count {
                    dictionary.withEntry(entry) { value in
                        statistics.add(text: value)
                        body.appendByteArray(value)
                    }
                }
            }) { bodyCount, stored in
                let header = PageHeader(kind: .dictionary(entries: Int32(dictionary.count)),
                                        uncompressedSize: Int32(bodyCount), compressedSize: Int32(stored.count)).encoded()
                try header.withUnsafeBytes { try write($0) }
                try write(stored)
                dictionaryOffset = position
                position += Int64(header.count + stored.count)
                totalUncompressed += header.count + bodyCount
            }
            counts.insert((type: .dictionaryPage, encoding: .plain, count: 1), at: 0)
        }
        for page in pages { try spool.withBytes(of: page) { try write($0) } }
        var encodings: Set<ValueEncoding> = [.rle]
        for count in counts { encodings.insert(count.encoding) }
        let record = ColumnChunkRecord(
            column: column, encodings: encodings.sorted { $0.rawValue < $1.rawValue }, codec: compressor.codec,
            numValues: Int64(rows), totalUncompressedSize: Int64(totalUncompressed),
            totalCompressedSize: position - offset + Int64(pagesByteCount),
            dataPageOffset: position, dictionaryPageOffset: dictionaryOffset,
            statistics: statistics, pageCounts: counts)
        startChunk()
        return record
    }
}
