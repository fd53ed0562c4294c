/// Reads a CSV table as the API writes it (`output-format: csv`, pandas `to_csv`): a header
/// of column names, RFC 4180 quoting, an empty field for a missing value.
///
/// Fields reach the handler as ``Cell/text(_:)`` (or ``Cell/null`` when empty); their column's
/// type decides what they mean.
package struct CSVRecordReader: SteppedRecordReader {
    private var position = 0
    private var scratch: [UInt8] = []
    private var slots: [Int] = []
    private var lineNumber = 1
    private var headerRead = false
    private var atEnd = false

    /// Creates a reader positioned before the header.
    package init() {}

    /// Reads up to `records` more records of `bytes` into `handler`. `bytes` must be the
    /// same on every call.
    ///
    /// - Returns: whether records may remain.
    package mutating func read<Handler: RecordHandler>(_ bytes: UnsafeBufferPointer<UInt8>, into handler: inout Handler,
                                                       records: Int) throws -> Bool {
        if !headerRead {
            headerRead = true
            try readHeader(bytes, into: &handler)
        }
        var count = 0
        while !atEnd && count < records {
            lineNumber += 1
            let rowStart = position
            var index = 0
            var failure: ReadError?
            // A final empty line is the file's trailing newline, not a record.
            if position >= bytes.count {
                atEnd = true
                break
            }
            try handler.beginRecord()
            let slots = self.slots
            atEnd = try Self.readRow(bytes, &position, &scratch) { field, quoted in
                guard index < slots.count else {
                    if failure == nil { failure = ReadError(offset: rowStart, reason: "CSV record \(lineNumber - 1) has more fields than the header's \(slots.count)") }
                    return
                }
                if let field, field.count > 0 || quoted {
                    try handler.value(.text(field), slot: slots[index])
                } else {
                    try handler.value(.null, slot: slots[index])
                }
                index += 1
            }
            if let failure { throw failure }
            guard index == slots.count else {
                throw ReadError(offset: rowStart, reason: "CSV record \(lineNumber - 1) has \(index) fields, the header has \(slots.count)")
            }
            try handler.endRecord()
            count += 1
        }
        return !atEnd
    }

    /// The header; an empty body (the API's "\n" for no rows) is an empty table.
    private mutating func readHeader<Handler: RecordHandler>(_ bytes: UnsafeBufferPointer<UInt8>, into handler: inout Handler) throws {
        guard isValidUTF8(bytes) else { throw ReadError(offset: 0, reason: "the CSV is not valid UTF-8") }
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3 }
        var header: [[UInt8]] = []
        atEnd = try Self.readRow(bytes, &position, &scratch) { field, _ in header.append(Array(field ?? UnsafeBufferPointer(start: nil, count: 0))) }
        if header.count == 1 && header[0].isEmpty {
            atEnd = true
            return
        }
        for name in header {
            slots.append(try name.withUnsafeBufferPointer { try handler.slot(forKey: $0) })
        }
    }

    /// Reads one row, calling `field` for each field; returns whether the input ended.
    private static func readRow(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int, _ scratch: inout [UInt8],
                                _ field: (UnsafeBufferPointer<UInt8>?, Bool) throws -> Void) throws -> Bool {
        while true {
            if position < bytes.count && bytes[position] == UInt8(ascii: "\"") {
                let quoteStart = position
                position += 1
                scratch.removeAll(keepingCapacity: true)
                while true {
                    guard position < bytes.count else {
                        throw ReadError(offset: quoteStart, reason: "a quoted CSV field is not closed: the file looks cut off")
                    }
                    let byte = bytes[position]
                    position += 1
                    if byte == UInt8(ascii: "\"") {
                        if position < bytes.count && bytes[position] == UInt8(ascii: "\"") {
                            scratch.append(byte)
                            position += 1
                        } else {
                            break
                        }
                    } else {
                        scratch.append(byte)
                    }
                }
                try scratch.withUnsafeBufferPointer { try field($0, true) }
            } else {
                let start = position
                while position < bytes.count {
                    let byte = bytes[position]
                    if byte == UInt8(ascii: ",") || byte == 0x0A || byte == 0x0D { break }
                    if byte == UInt8(ascii: "\"") {
                        throw ReadError(offset: position, reason: "a quote inside an unquoted CSV field")
                    }
                    position += 1
                }
                try field(UnsafeBufferPointer(rebasing: bytes[start ..< position]), false)
            }
            guard position < bytes.count else { return true }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
            case 0x0D:
                position += 1
                if position < bytes.count && bytes[position] == 0x0A { position += 1 }
                return position >= bytes.count
            case 0x0A:
                position += 1
                return position >= bytes.count
            default:
                throw ReadError(offset: position, reason: "expected ',' or a line end after a quoted CSV field")
            }
        }
    }
}
