/// A number as a reader found it: its text, and the parts the reader took apart while
/// scanning it, so that typing it does not read its digits a second time.
package struct NumberLiteral {
    /// The literal's bytes (JSON grammar, or `NaN` / `Infinity` / `-Infinity`).
    package let bytes: UnsafeBufferPointer<UInt8>
    /// Nil for the words, which are not decimals.
    let parts: DecimalParts?

    /// A literal the caller has not taken apart: it is taken apart here.
    package init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.parts = NumberParsing.parts(bytes)
    }

    /// A literal a reader took apart as it scanned it; `parts` must be those of `bytes`.
    init(bytes: UnsafeBufferPointer<UInt8>, parts: DecimalParts?) {
        self.bytes = bytes
        self.parts = parts
    }

    /// The nearest double, as ``NumberParsing/double(_:)`` reads the text.
    @inline(__always)
    package var double: Double? {
        if let parts { return NumberParsing.double(parts, literal: bytes) }
        return NumberParsing.double(bytes)
    }

    /// The exact integer, as ``NumberParsing/integer(_:)`` reads the text.
    @inline(__always)
    package var integer: IntegerParse {
        if let parts { return NumberParsing.integer(parts, literal: bytes) }
        return NumberParsing.integer(bytes)
    }
}
