import Foundation

/// Reads one answer (or one saved file) into typed batches, a few at a time.
///
/// It owns the body and the assembler, sniffs the body's format, and hands batches out as
/// they fill, so a caller writes them while the rest is still unread. Errors name the
/// answer: ``DataError/unreadable(_:_:)`` or ``DataError/mapping(_:_:)``.
package struct AnswerReader {
    private let body: Data
    private let source: AnswerSource
    private let assembler: BatchAssembler
    // One of the two is set, by the body's format.
    private var json: JSONRecordReader?
    private var csv: CSVRecordReader?
    private var moreRecords = true
    private var finished = false
    /// Records read per step: a few per batch, so a step hands out at most about one batch.
    private static let recordsPerStep = 512

    /// Prepares to read `body` into `assembler`. API answers are JSON; a saved file
    /// (`sniff`) may also be the API's CSV, told apart by its first byte, and must not be
    /// empty (an answer without rows is `[]`).
    package init(body: Data, source: AnswerSource, into assembler: BatchAssembler, sniff: Bool = false) throws {
        self.body = body
        self.source = source
        self.assembler = assembler
        if sniff, body.isEmpty, case .file(let path) = source { throw DataError.emptyFile(path) }
        let json = !sniff || body.withUnsafeBytes { Self.looksLikeJSON($0.bindMemory(to: UInt8.self)) }
        if json { self.json = JSONRecordReader() } else { csv = CSVRecordReader() }
    }

    /// The next full batch, or the last partial one; nil once the answer is read.
    package mutating func next() throws -> RecordBatch? {
        while true {
            if let batch = takeOne() { return batch }
            if finished { return nil }
            if moreRecords {
                try step()
            } else {
                try Self.naming(source) { _ = try assembler.finish() }
                finished = true
            }
        }
    }

    /// Every remaining batch.
    package mutating func readAll() throws -> [RecordBatch] {
        var batches: [RecordBatch] = []
        while let batch = try next() { batches.append(batch) }
        return batches
    }

    /// What was read so far (all of it once ``next()`` returned nil).
    package var stats: AnswerStats { assembler.stats }

    private var pending: [RecordBatch] = []

    private mutating func takeOne() -> RecordBatch? {
        if pending.isEmpty && assembler.hasBatches { pending = assembler.takeBatches().reversed() }
        return pending.popLast()
    }

    private mutating func step() throws {
        var handler = assembler
        let count = Self.recordsPerStep
        let body = self.body
        var more = false
        try Self.naming(source) {
            try body.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                if json != nil {
                    more = try json!.read(bytes, into: &handler, records: count)
                } else {
                    more = try csv!.read(bytes, into: &handler, records: count)
                }
            }
        }
        moreRecords = more
    }

    /// Runs `body`, naming the answer in what it throws.
    private static func naming(_ source: AnswerSource, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ReadError {
            throw DataError.unreadable(source, error)
        } catch let error as MappingError {
            throw DataError.mapping(source, error)
        }
    }

    /// JSON starts with `[` or `{` (after blanks or a byte-order mark); the API's CSV never
    /// does. `<` is an HTML error page, which the JSON reader names as such.
    private static func looksLikeJSON(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF: continue
            case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "<"): return true
            default: return false
            }
        }
        return false
    }
}
