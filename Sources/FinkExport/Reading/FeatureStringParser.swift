/// Why a feature string could not be read.
package struct FeatureStringError: Error, Equatable, CustomStringConvertible {
    /// What is wrong, in words.
    package let reason: String

    /// One line for the user.
    package var description: String { reason }
}

/// Reads the `d:lc_features_<band>` strings: a list of numbers in a *string*, written by
/// Spark's array-to-string cast rather than as JSON.
///
/// Accepted: `[a, b, ...]` and `{a, b, ...}`, Java doubles (`1.0E7`, `1.0E-4`), `NaN`, `nan`,
/// `null`, `None` (missing), `Infinity`, `-Infinity`. `[]`, `{}` and an empty string mean the
/// band has no features.
package enum FeatureStringParser {
    /// Parses `bytes` into `values` (NaN for a missing entry) and returns how many entries
    /// the list holds; 0 means no features.
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>, into values: inout [Double]) throws -> Int {
        values.removeAll(keepingCapacity: true)
        var start = 0
        var end = bytes.count
        trim(bytes, &start, &end)
        if start == end { return 0 }
        let open = bytes[start]
        let close = bytes[end - 1]
        let bracketed = open == UInt8(ascii: "[") && close == UInt8(ascii: "]")
        let braced = open == UInt8(ascii: "{") && close == UInt8(ascii: "}")
        guard (bracketed || braced) && end - start >= 2 else {
            throw FeatureStringError(reason: "a feature string must be a list in [...] or {...}, found \(preview(bytes))")
        }
        start += 1
        end -= 1
        trim(bytes, &start, &end)
        if start == end { return 0 }
        var itemStart = start
        var index = start
        while index <= end {
            if index == end || bytes[index] == UInt8(ascii: ",") {
                var a = itemStart, b = index
                trim(bytes, &a, &b)
                guard a < b else {
                    throw FeatureStringError(reason: "a feature string has an empty entry at position \(values.count + 1): \(preview(bytes))")
                }
                let item = UnsafeBufferPointer(rebasing: bytes[a ..< b])
                if ValueConversion.isMissingText(item) {
                    values.append(.nan)
                } else if let value = NumberParsing.double(item) {
                    values.append(value)
                } else {
                    throw FeatureStringError(reason: "a feature string has a non-number \"\(String(decoding: item, as: UTF8.self))\" at position \(values.count + 1)")
                }
                itemStart = index + 1
            }
            index += 1
        }
        return values.count
    }

    private static func trim(_ bytes: UnsafeBufferPointer<UInt8>, _ start: inout Int, _ end: inout Int) {
        while start < end && isSpace(bytes[start]) { start += 1 }
        while end > start && isSpace(bytes[end - 1]) { end -= 1 }
    }

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func preview(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(60), as: UTF8.self)
        return "\"\(text)\(bytes.count > 60 ? "…" : "")\""
    }
}
