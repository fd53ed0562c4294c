#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a feature string could not be read.
package enum FeatureStringError: Error, Equatable, CustomStringConvertible {
    /// Not a list in `[...]` or `{...}` (the string's start, quoted).
    case notAList(String)
    /// An empty entry at `position` (from 1).
    case emptyEntry(position: Int, list: String)
    /// An entry that is not a number.
    case notANumber(String, position: Int)

    /// What is wrong, in words.
    package var description: String {
        switch self {
        case .notAList(let list): return "a feature string must be a list in [...] or {...}, found \(list)"
        case .emptyEntry(let position, let list): return "a feature string has an empty entry at position \(position): \(list)"
        case .notANumber(let item, let position): return "a feature string has a non-number \"\(item)\" at position \(position)"
        }
    }
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
            throw FeatureStringError.notAList(preview(bytes))
        }
        start += 1
        end -= 1
        trim(bytes, &start, &end)
        if start == end { return 0 }
        let base = bytes.baseAddress!
        var itemStart = start
        while true {
            var entryStart = itemStart
            while entryStart < end && isSpace(base[entryStart]) { entryStart += 1 }
            if let (separator, value) = commonEntry(base, from: entryStart, end: end) {
                values.append(value)
                if separator == end { return values.count }
                itemStart = separator + 1
                continue
            }
            // Anything else (infinities, broken entries) is read apart from the separators,
            // which also words the errors. memchr finds the separator a word at a time.
            let separator = memchr(base + itemStart, Int32(UInt8(ascii: ",")), end - itemStart)
                .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? end
            var a = itemStart, b = separator
            trim(bytes, &a, &b)
            guard a < b else {
                throw FeatureStringError.emptyEntry(position: values.count + 1, list: preview(bytes))
            }
            let item = UnsafeBufferPointer(rebasing: bytes[a ..< b])
            if let value = NumberParsing.double(item) {
                values.append(value)
            } else if ValueConversion.isMissingText(item) {
                values.append(.nan)
            } else {
                throw FeatureStringError.notANumber(String(decoding: item, as: UTF8.self), position: values.count + 1)
            }
            if separator == end { return values.count }
            itemStart = separator + 1
        }
    }

    /// An entry in one of the forms the API writes, a number or a missing value's word, read
    /// in the same pass that finds its end: its value and its separator (or `end`). Nil sends
    /// the entry the general way, which reads every form these do to the same value.
    @inline(__always)
    private static func commonEntry(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) -> (Int, Double)? {
        var stop: Int
        let value: Double
        if let (parts, numberEnd) = NumberParsing.leadingParts(base, from: start, end: end) {
            value = NumberParsing.double(parts, literal: UnsafeBufferPointer(start: base + start, count: numberEnd - start))
            stop = numberEnd
        } else {
            // A word up to the next space or separator, if it is one of the missing value's.
            var wordEnd = start
            while wordEnd < end && base[wordEnd] != UInt8(ascii: ",") && !isSpace(base[wordEnd]) { wordEnd += 1 }
            guard wordEnd > start, ValueConversion.isMissingText(UnsafeBufferPointer(start: base + start, count: wordEnd - start)) else {
                return nil
            }
            value = .nan
            stop = wordEnd
        }
        while stop < end && isSpace(base[stop]) { stop += 1 }
        guard stop == end || base[stop] == UInt8(ascii: ",") else { return nil }
        return (stop, value)
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
