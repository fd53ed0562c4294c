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
        } else if let length = missingWordLength(base, at: start, end: end) {
            value = .nan
            stop = start + length
        } else {
            return nil
        }
        while stop < end && isSpace(base[stop]) { stop += 1 }
        guard stop == end || base[stop] == UInt8(ascii: ",") else { return nil }
        return (stop, value)
    }

    /// The length of `null`, `None`, `NaN` or `nan` at `index`, the words Spark and pandas
    /// write for a missing feature; nil for anything else.
    @inline(__always)
    private static func missingWordLength(_ base: UnsafePointer<UInt8>, at index: Int, end: Int) -> Int? {
        guard end - index >= 3 else { return nil }
        let first = base[index], second = base[index + 1], third = base[index + 2]
        if end - index >= 4 {
            let fourth = base[index + 3]
            if first == UInt8(ascii: "n") && second == UInt8(ascii: "u") && third == UInt8(ascii: "l") && fourth == UInt8(ascii: "l") { return 4 }
            if first == UInt8(ascii: "N") && second == UInt8(ascii: "o") && third == UInt8(ascii: "n") && fourth == UInt8(ascii: "e") { return 4 }
        }
        if second == UInt8(ascii: "a") && first == third && (first == UInt8(ascii: "N") || first == UInt8(ascii: "n")) { return 3 }
        return nil
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
