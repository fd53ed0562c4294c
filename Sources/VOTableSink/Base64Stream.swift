import SinkSupport

/// Encodes bytes as base64 while they are produced, in whole 3-byte groups, with a line
/// break every 76 characters; only the final group is padded.
struct Base64Stream {
    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    /// The two characters of every 12-bit value, first in the low byte: two lookups a group.
    private static let letterPairs: [UInt16] = (0 ..< 4096).map { value in
        let letters = alphabet.utf8Start
        return UInt16(letters[value >> 6]) | UInt16(letters[value & 0x3F]) << 8
    }
    /// Bytes waiting to be encoded; after a flush, at most the two of an incomplete group.
    private var pending: [UInt8] = []
    private var encoded: [UInt8] = []
    /// Characters on the current line.
    private var column = 0

    /// Appends raw bytes.
    mutating func append(_ bytes: [UInt8]) {
        pending.append(contentsOf: bytes)
    }

    /// Encodes every whole group pending (all of them, padded, when `final`) into `output`.
    mutating func flush(to output: ByteOutput, final: Bool) throws {
        let whole = pending.count / 3 * 3
        guard whole > 0 || (final && !pending.isEmpty) else { return }
        // Four characters per group, a line break per 19 groups, a padded group at the end.
        let capacity = whole / 3 * 4 + whole / 57 + 8
        encoded.removeAll(keepingCapacity: true)
        encoded.reserveCapacity(capacity)
        var line = column
        let written = pending.withUnsafeBufferPointer { source in
            encoded.withUnsafeMutableBufferPointerGrowing(to: capacity) { target in
                let letters = Self.alphabet.utf8Start
                let bytes = source.baseAddress!
                var at = 0
                var index = 0
                // Four characters, then a line break every 76 (the padded last group).
                @inline(__always)
                func put(_ first: UInt8, _ second: UInt8, _ third: UInt8, _ fourth: UInt8) {
                    target[at] = first
                    target[at &+ 1] = second
                    target[at &+ 2] = third
                    target[at &+ 3] = fourth
                    at &+= 4
                    line &+= 4
                    if line >= 76 {
                        target[at] = 0x0A
                        at &+= 1
                        line = 0
                    }
                }
                // The rest of each line in one run of groups, each stored as one 4-byte word, then
                // its line break: no line test per group (the line is always a multiple of 4).
                let out = UnsafeMutableRawPointer(target.baseAddress!)
                Self.letterPairs.withUnsafeBufferPointer { pairs in
                    while index < whole {
                        let groups = Swift.min((76 &- line) >> 2, (whole &- index) / 3)
                        for _ in 0 ..< groups {
                            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index &+ 1]) << 8 | UInt32(bytes[index &+ 2])
                            let characters = UInt32(pairs[Int(group >> 12)]) | UInt32(pairs[Int(group & 0xFFF)]) << 16
                            out.storeBytes(of: characters.littleEndian, toByteOffset: at, as: UInt32.self)
                            at &+= 4
                            index &+= 3
                        }
                        line &+= groups << 2
                        if line >= 76 {
                            target[at] = 0x0A
                            at &+= 1
                            line = 0
                        }
                    }
                }
                let remaining = source.count &- whole
                if final && remaining > 0 {
                    let b0 = UInt32(bytes[whole])
                    let b1 = remaining > 1 ? UInt32(bytes[whole &+ 1]) : 0
                    let group = b0 << 16 | b1 << 8
                    put(letters[Int(group >> 18)], letters[Int(group >> 12 & 0x3F)],
                        remaining > 1 ? letters[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="), UInt8(ascii: "="))
                }
                return at
            }
        }
        column = line
        pending.removeFirst(final ? pending.count : whole)
        try encoded.withUnsafeBufferPointer { try output.write(UnsafeBufferPointer(rebasing: $0[0 ..< written])) }
    }
}

private extension Array where Element == UInt8 {
    /// Runs `body` on `count` writable bytes (the array is grown to that count first) and
    /// leaves the array at that count; `body` returns how many it filled.
    mutating func withUnsafeMutableBufferPointerGrowing(to count: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Int) -> Int {
        if self.count < count { append(contentsOf: repeatElement(0, count: count - self.count)) }
        return withUnsafeMutableBufferPointer { body($0) }
    }
}
