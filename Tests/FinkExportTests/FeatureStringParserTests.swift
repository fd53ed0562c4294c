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
