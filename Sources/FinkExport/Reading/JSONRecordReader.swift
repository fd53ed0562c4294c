#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the API's JSON body, an array of flat records, straight from bytes.
///
/// Foundation's JSON is far too slow on Linux for this path, and it would turn 64-bit ids
/// into doubles; this reader hands each value's bytes to a ``RecordHandler`` without copying
/// (a string is copied only when it holds escapes) and leaves typing to the handler.
package struct JSONRecordReader: SteppedRecordReader {
    /// Deeper nesting than this inside one value is refused rather than followed.
    package static let maximumDepth = 512

    enum Stage {
        case beforeArray
        case inArray
        case ended
    }

    var input = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    var position = 0
    var stage = Stage.beforeArray
    var scratch: [UInt8] = []
    // Records of one response share their keys in order; remembering them turns key
    // resolution into a byte comparison.
    var cachedKeys: [[UInt8]] = []
    var cachedSlots: [Int] = []

    /// Creates a reader positioned before the array.
    package init() {}

    /// Reads up to `records` more records of `bytes` into `handler`, so a caller can take
    /// what they made before reading on. `bytes` must be the same on every call.
    ///
    /// - Returns: whether records may remain (false once the array and the body have ended).
    /// - Throws: ``ReadError``, or the handler's own errors.
    package mutating func read<Handler: RecordHandler>(_ bytes: UnsafeBufferPointer<UInt8>, into handler: inout Handler,
                                                       records: Int) throws -> Bool {
        input = bytes
        if stage == .beforeArray { try openArray() }
        var count = 0
        while stage == .inArray && count < records {
            try readRecord(into: &handler)
            count += 1
            skipWhitespace()
            let next = try take()
            if next == UInt8(ascii: "]") {
                try closeArray()
            } else {
                guard next == UInt8(ascii: ",") else {
                    throw ReadError(offset: position - 1, reason: "expected ',' or ']' after a record, found \(describeByte(at: position - 1))")
                }
                skipWhitespace()
            }
        }
        return stage != .ended
    }

    mutating func openArray() throws {
        if input.count >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF { position = 3 }
        skipWhitespace()
        guard position < input.count else { throw ReadError(offset: position, reason: "the body is empty, not a JSON array") }
        switch input[position] {
        case UInt8(ascii: "["): position += 1
        case UInt8(ascii: "{"): throw ReadError(offset: position, reason: "expected a JSON array of records, found a JSON object")
        case UInt8(ascii: "<"): throw ReadError(offset: position, reason: "expected a JSON array of records, found HTML or XML")
        default: throw ReadError(offset: position, reason: "expected a JSON array of records, found \(describeByte(at: position))")
        }
        skipWhitespace()
        stage = .inArray
        if try peek() == UInt8(ascii: "]") {
            position += 1
            try closeArray()
        }
    }

    mutating func closeArray() throws {
        skipWhitespace()
        guard position == input.count else {
            throw ReadError(offset: position, reason: "unexpected data after the JSON array")
        }
        stage = .ended
    }

    mutating func readRecord<Handler: RecordHandler>(into handler: inout Handler) throws {
        guard try take() == UInt8(ascii: "{") else {
            throw ReadError(offset: position - 1, reason: "expected a record (a JSON object), found \(describeByte(at: position - 1))")
        }
        try handler.beginRecord()
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            position += 1
            try handler.endRecord()
            return
        }
        var keyIndex = 0
        while true {
            guard try peek() == UInt8(ascii: "\"") else {
                throw ReadError(offset: position, reason: "expected a key string, found \(describeByte(at: position))")
            }
            let slot = try readKey(index: keyIndex, handler: &handler)
            keyIndex += 1
            skipWhitespace()
            guard try take() == UInt8(ascii: ":") else {
                throw ReadError(offset: position - 1, reason: "expected ':' after a key, found \(describeByte(at: position - 1))")
            }
            skipWhitespace()
            try readValue(slot: slot, handler: &handler)
            skipWhitespace()
            let next = try take()
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else {
                throw ReadError(offset: position - 1, reason: "expected ',' or '}' in a record, found \(describeByte(at: position - 1))")
            }
            skipWhitespace()
        }
        try handler.endRecord()
    }

    @inline(__always)
    mutating func readKey<Handler: RecordHandler>(index: Int, handler: inout Handler) throws -> Int {
        let start = position + 1
        // The same bytes as the previous record's key here, then a quote: the same key (the
        // cached bytes are a whole string body, so that quote is its end), found without a scan.
        if index < cachedKeys.count {
            let length = cachedKeys[index].count
            if start + length < input.count && input[start + length] == UInt8(ascii: "\"")
                && Self.sameBytes(cachedKeys[index], UnsafeBufferPointer(rebasing: input[start ..< start + length])) {
                position = start + length + 1
                return cachedSlots[index]
            }
        }
        let end = try endOfString(from: start)
        let raw = UnsafeBufferPointer(rebasing: input[start ..< end])
        position = end + 1
        let slot = try withDecodedString(raw, startOffset: start) { try handler.slot(forKey: $0) }
        if index < cachedKeys.count {
            cachedKeys[index] = Array(raw)
            cachedSlots[index] = slot
        } else {
            cachedKeys.append(Array(raw))
            cachedSlots.append(slot)
        }
        return slot
    }

    @inline(__always)
    mutating func readValue<Handler: RecordHandler>(slot: Int, handler: inout Handler) throws {
        let first = try peek()
        switch first {
        case UInt8(ascii: "\""):
            let start = position + 1
            let (end, plain) = try scanString(from: start)
            position = end + 1
            try withDecodedString(UnsafeBufferPointer(rebasing: input[start ..< end]), startOffset: start, plain: plain) {
                try handler.value(.string($0), slot: slot)
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            try handler.value(.number(try scanNumber()), slot: slot)
        case UInt8(ascii: "t"):
            try expectWord("true")
            try handler.value(.bool(true), slot: slot)
        case UInt8(ascii: "f"):
            try expectWord("false")
            try handler.value(.bool(false), slot: slot)
        case UInt8(ascii: "n"):
            try expectWord("null")
            try handler.value(.null, slot: slot)
        case UInt8(ascii: "N"):
            let start = position
            try expectWord("NaN")
            try handler.value(.number(NumberLiteral(bytes: UnsafeBufferPointer(rebasing: input[start ..< position]), parts: nil)), slot: slot)
        case UInt8(ascii: "I"):
            let start = position
            try expectWord("Infinity")
            try handler.value(.number(NumberLiteral(bytes: UnsafeBufferPointer(rebasing: input[start ..< position]), parts: nil)), slot: slot)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let start = position
            try skipComposite()
            try handler.value(.composite(UnsafeBufferPointer(rebasing: input[start ..< position])), slot: slot)
        default:
            throw ReadError(offset: position, reason: "expected a value, found \(describeByte(at: position))")
        }
    }
}
