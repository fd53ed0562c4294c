import Foundation
import FinkExport
import Testing

@Suite("Feature strings: d:lc_features_<band> in every form the API writes")
struct FeatureStringParserTests {
    private func parse(_ text: String) throws -> [Double] {
        var values: [Double] = []
        _ = try Array(text.utf8).withUnsafeBufferPointer { try FeatureStringParser.parse($0, into: &values) }
        return values
    }

    @Test("reads Spark's bracketed list with Java doubles, NaN and null")
    func bracketed() throws {
        let values = try parse("[16.41135056813558, 1.0E7, 1.0E-4, -6.4068880699734E-4, 0.0, NaN, null, Infinity, -Infinity]")
        #expect(values.count == 9)
        #expect(values[0] == 16.41135056813558)
        #expect(values[1] == 1e7)
        #expect(values[2] == 1e-4)
        #expect(values[3] == -6.4068880699734e-4)
        #expect(values[4] == 0)
        #expect(values[5].isNaN && values[6].isNaN)
        #expect(values[7] == .infinity && values[8] == -.infinity)
    }

    @Test("reads the brace form of the class-index tables")
    func braced() throws {
        #expect(try parse("{18.153, 18.159, 0.183, 18.076, 0.226, 0.166}") == [18.153, 18.159, 0.183, 18.076, 0.226, 0.166])
    }

    @Test("an empty list, braces or string means no features", arguments: ["[]", "{}", "", "  [ ]  ", "   "])
    func empty(text: String) throws {
        #expect(try parse(text).isEmpty)
    }

    @Test("refuses broken lists, saying where", arguments: [
        ("[1, 2", FeatureStringError.notAList("\"[1, 2\"")), ("1, 2]", .notAList("\"1, 2]\"")),
        ("[1,, 2]", .emptyEntry(position: 2, list: "\"[1,, 2]\"")), ("[1, abc]", .notANumber("abc", position: 2)),
        ("[1, [2]]", .notANumber("[2]", position: 2)), ("nan", .notAList("\"nan\"")), ("{1, 2]", .notAList("\"{1, 2]\"")),
        ("[1 2]", .notANumber("1 2", position: 1)),
    ])
    func broken(text: String, error: FeatureStringError) {
        #expect(throws: error) { try parse(text) }
    }
}

@Suite("Feature strings: every entry read as the rule for one entry alone reads it")
struct FeatureStringEntryTests {
    /// The rule, written out: an entry is a number (`NumberParsing.double`), else a missing
    /// value's word (NaN), else an error; the list's spaces around an entry do not count.
    private func expected(_ entries: [String]) -> [Double]? {
        var values: [Double] = []
        for entry in entries {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            let value = Array(trimmed.utf8).withUnsafeBufferPointer { NumberParsing.double($0) }
            if let value {
                values.append(value)
            } else if ["nan", "NaN", "null", "None"].contains(trimmed) {
                values.append(.nan)
            } else {
                return nil
            }
        }
        return values
    }

    private func parsed(_ text: String) -> [Double]? {
        var values: [Double] = []
        let count = try? Array(text.utf8).withUnsafeBufferPointer { try FeatureStringParser.parse($0, into: &values) }
        return count.map { _ in values }
    }

    private func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.isNaN ? $1.isNaN : $0.bitPattern == $1.bitPattern }
    }

    @Test("numbers, words and near-misses, with and without spaces, at every position")
    func entries() {
        let entries = ["17.68708387568482", "-1.4643036006609254", "2.1691362428953587E-4", "1.0E7", "-0", "0.0", "+3.5",
                       "12345678901234567890123", "4.9e-324", "1e400", "NaN", "nan", "null", "None", "Infinity", "-Infinity",
                       "inf", "-NaN", "Nan", "nul", "nulls", "NaNa", "1.5x", "1.", "2e", "-", ".5", "1 2", "abc", "0x10"]
        var checked = 0
        for first in entries {
            for second in entries {
                for (left, right) in [("", ""), (" ", ""), ("", " "), ("  ", "\t")] {
                    let list = [left + first + right, " " + second]
                    let text = "[" + list.joined(separator: ",") + "]"
                    let want = expected(list)
                    let got = parsed(text)
                    #expect((want == nil) == (got == nil), "\(text)")
                    if let want, let got { #expect(sameBits(want, got), "\(text): \(got) against \(want)") }
                    checked += 1
                }
            }
        }
        #expect(checked == entries.count * entries.count * 4)
    }
}
