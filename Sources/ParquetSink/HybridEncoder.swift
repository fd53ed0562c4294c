/// The RLE / bit-packing hybrid of `Encodings.md`, for definition levels and dictionary
/// indices: runs of eight or more equal values become RLE runs, everything else bit-packed
/// runs of whole groups of eight values (the last group padded with zeros, which readers
/// never read past the page's value count).
struct HybridEncoder {
    let bitWidth: Int
    private(set) var bytes: [UInt8] = []
    /// Values waiting to be bit-packed; flushed only in whole groups of eight, except at the end.
    private var packed: [UInt32] = []
    /// The run of equal values being counted.
    private var runValue: UInt32 = 0
    private var runLength = 0

    init(bitWidth: Int) {
        precondition((0 ... 32).contains(bitWidth))
        self.bitWidth = bitWidth
        packed.reserveCapacity(64)
    }

    /// Adds `count` copies of `value`.
    mutating func append(_ value: UInt32, count: Int = 1) {
        if runLength > 0, value != runValue { endRun() }
        runValue = value
        runLength += count
    }

    /// Ends the encoding and returns its bytes.
    mutating func finish() -> [UInt8] {
        endRun()
        flushPacked(padding: true)
        return bytes
    }

    private mutating func endRun() {
        guard runLength > 0 else { return }
        var length = runLength
        runLength = 0
        // Values that complete the pending bit-packed group go there first.
        if !packed.isEmpty {
            let fill = Swift.min(length, (8 - packed.count % 8) % 8)
            for _ in 0 ..< fill { packed.append(runValue) }
            length -= fill
        }
        if length >= 8 {
            flushPacked(padding: false)
            writeRLERun(length, runValue)
        } else {
            for _ in 0 ..< length { packed.append(runValue) }
        }
    }

    private mutating func writeRLERun(_ length: Int, _ value: UInt32) {
        bytes.appendVarint(UInt64(length) << 1)
        var value = value
        for _ in 0 ..< (bitWidth + 7) / 8 {
            bytes.append(UInt8(truncatingIfNeeded: value))
            value >>= 8
        }
    }

    /// Writes the pending values as one bit-packed run; `padding` allows a last partial group.
    private mutating func flushPacked(padding: Bool) {
        guard !packed.isEmpty else { return }
        precondition(padding || packed.count % 8 == 0)
        while packed.count % 8 != 0 { packed.append(0) }
        bytes.appendVarint(UInt64(packed.count / 8) << 1 | 1)
        // Values go in from the least significant bit of each byte upward.
        var buffer: UInt64 = 0
        var bits = 0
        for value in packed {
            buffer |= UInt64(value) << bits
            bits += bitWidth
            while bits >= 8 {
                bytes.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                bits -= 8
            }
        }
        packed.removeAll(keepingCapacity: true)
    }


    /// The bits needed for values up to `maximum`.
    static func bitWidth(forMaximum maximum: Int) -> Int {
        maximum == 0 ? 0 : Int.bitWidth - maximum.leadingZeroBitCount
    }
}
