import FinkExport
import Testing

@Suite("JSON reader: the API's records, straight from bytes")
struct JSONRecordReaderTests {
    @Test("reads an array of flat records, keeping each value's kind and literal text")
    func readsRecords() throws {
        let handler = try readJSON(#"[{"i:objectId":"ZTF18acqucmw","i:candid":1095578116115010004,"i:jd":2458850.0781134,"d:flag":true,"d:x":null},{"i:objectId":"ZTF21abfmbix","i:candid":-1,"i:jd":1.5e-3,"d:flag":false,"d:x":null}]"#)
        #expect(handler.records == [
            ["i:objectId": "string:ZTF18acqucmw", "i:candid": "number:1095578116115010004",
             "i:jd": "number:2458850.0781134", "d:flag": "bool:true", "d:x": "null"],
            ["i:objectId": "string:ZTF21abfmbix", "i:candid": "number:-1", "i:jd": "number:1.5e-3",
             "d:flag": "bool:false", "d:x": "null"],
        ])
    }

    @Test("numbers taken apart while scanning read exactly as their text: doubles bit for bit, integers to 64 bits")
    func numbersTakenApart() throws {
        var rng = SystemRandomNumberGenerator()
        func digits(_ count: Int) -> String {
            String((0 ..< count).map { _ in Character(String(Int.random(in: 0 ... 9, using: &rng))) })
        }
        var literals = ["0", "-0", "0.0", "-0.0", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                        "-9223372036854775809", "18446744073709551616", "1095578116115010004", "9007199254740993",
                        "0.000000000000000000000012345", "1e400", "-1e-400", "2461186.9361689999", "1.7976931348623157e308",
                        "5e-324", "1E+2", "1e-2", "123456789012345678901234567890"]
        for _ in 0 ..< 3_000 {
            let sign = Bool.random(using: &rng) ? "-" : ""
            let integerDigits = Int.random(in: 1 ... 24, using: &rng)
            var integer = digits(integerDigits)
            if integer.count > 1 && integer.first == "0" { integer = "1" + integer.dropFirst() }
            if Int.random(in: 0 ..< 4, using: &rng) == 0 { integer = "0" }
            var literal = sign + integer
            if Bool.random(using: &rng) { literal += "." + digits(Int.random(in: 1 ... 24, using: &rng)) }
            if Int.random(in: 0 ..< 3, using: &rng) == 0 {
                literal += ["e", "E", "e+", "e-"].randomElement(using: &rng)! + String(Int.random(in: 0 ... 330, using: &rng))
            }
            literals.append(literal)
        }
        let json = "[" + literals.map { "{\"v\":\($0)}" }.joined(separator: ",") + "]"
        let handler = try readJSON(json)
        #expect(handler.numbers.map(\.text) == literals)
        for number in handler.numbers {
            let text = Array(number.text.utf8)
            let double = text.withUnsafeBufferPointer { NumberParsing.double($0) }
            let integer = text.withUnsafeBufferPointer { NumberParsing.integer($0) }
            #expect(number.double?.bitPattern == Double(number.text)?.bitPattern, "\(number.text)")
            #expect(number.double?.bitPattern == double?.bitPattern, "\(number.text)")
            #expect(number.integer == integer, "\(number.text)")
        }
    }

    @Test("resolves each key once while records keep the same key order")
    func cachesKeys() throws {
        let handler = try readJSON(#"[{"a":1,"b":2},{"a":3,"b":4},{"b":5,"a":6}]"#)
        // Two keys on the first record, two again when the order changes.
        #expect(handler.keys == ["a", "b", "b", "a"])
        #expect(handler.records.map { $0["a"] } == ["number:1", "number:3", "number:6"])
    }

    @Test("decodes \\uXXXX, surrogate pairs, \\/ and the other escapes")
    func decodesEscapes() throws {
        let handler = try readJSON(#"[{"v:constellation":"Bo\u00f6tes","p":"\/ztf\/sci","e":"\ud83d\ude00","q":"say \"hi\"\n\ttab\\"}]"#)
        let record = handler.records[0]
        #expect(record["v:constellation"] == "string:Boötes")
        #expect(record["p"] == "string:/ztf/sci")
        #expect(record["e"] == "string:😀")
        #expect(record["q"] == "string:say \"hi\"\n\ttab\\")
    }

    @Test("accepts NaN and Infinity as Python writes them, and an empty array")
    func acceptsPythonNumbers() throws {
        let handler = try readJSON(#" [ {"a": NaN, "b": -Infinity, "c": Infinity} ] "#)
        #expect(handler.records == [["a": "number:NaN", "b": "number:-Infinity", "c": "number:Infinity"]])
        #expect(try readJSON("[]").records.isEmpty)
    }

    @Test("hands nested arrays and objects over as their JSON text")
    func keepsComposites() throws {
        let handler = try readJSON(#"[{"b:cutout":[[1,2],[3,"]"]],"m":{"k":[{}]}}]"#)
        #expect(handler.records[0]["b:cutout"] == #"composite:[[1,2],[3,"]"]]"#)
        #expect(handler.records[0]["m"] == #"composite:{"k":[{}]}"#)
    }

    @Test("says the body is cut off when it ends early", arguments: [
        #"[{"a":1"#, #"[{"a":"abc"#, #"[{"a":1},"#, #"[{"a":[1,2"#, #"[{"a":tr"#, #"[{"a":12"#, "[",
    ])
    func detectsTruncation(body: String) {
        let error = readError(body)
        #expect(error != nil)
        #expect(error?.reason.contains("cut off") == true || error?.reason.contains("end of input") == true)
    }

    @Test("refuses what is not an array of records, saying what it found")
    func refusesOtherShapes() {
        #expect(readError(#"{"message": "Internal Server Error"}"#)?.reason.contains("found a JSON object") == true)
        #expect(readError("<!doctype html><title>502</title>")?.reason.contains("HTML") == true)
        #expect(readError("")?.reason.contains("empty") == true)
        #expect(readError(#"[1,2]"#)?.reason.contains("expected a record") == true)
        #expect(readError(#"[{"a":1}] trailing"#)?.reason.contains("after the JSON array") == true)
        #expect(readError(#"[{"a":01}]"#) != nil)
        #expect(readError(#"[{"a":1.}]"#) != nil)
        #expect(readError(#"[{"a":nul}]"#) != nil)
        #expect(readError(#"[{a:1}]"#)?.reason.contains("key") == true)
    }

    @Test("refuses invalid UTF-8, raw control characters and bad escapes")
    func refusesBadStrings() {
        var bytes = Array(#"[{"a":"x"#.utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(#""}]"#.utf8)
        let error = bytes.withUnsafeBufferPointer { buffer -> ReadError? in
            var handler = RecordingHandler()
            do { try JSONRecordReader.read(buffer, into: &handler); return nil } catch { return error as? ReadError }
        }
        #expect(error?.reason.contains("invalid UTF-8") == true)
        #expect(readError("[{\"a\":\"line\nbreak\"}]")?.reason.contains("control character") == true)
        #expect(readError(#"[{"a":"\x"}]"#)?.reason.contains("unknown escape") == true)
        #expect(readError(#"[{"a":"\ud83d"}]"#)?.reason.contains("surrogate") == true)
        #expect(readError(#"[{"a":"\u12"}]"#) != nil)
    }

    @Test("finds a string's end, its escapes, its non-ASCII bytes and its control characters wherever they fall in the eight-byte words it is read by")
    func stringEndsAtEveryOffset() throws {
        // Keys and values from 0 to 17 bytes before the special byte, so it lands at every offset
        // of a first, second and third word, and the words before it are read whole.
        for length in 0 ... 17 {
            let plain = String(repeating: "a", count: length)
            let handler = try readJSON("[{\"\(plain)k\":\"\(plain)\",\"e\":\"\(plain)\\\"z\",\"u\":\"\(plain)é\"}]")
            #expect(handler.records == [["\(plain)k": "string:\(plain)", "e": "string:\(plain)\"z", "u": "string:\(plain)é"]], "\(length)")

            // Invalid UTF-8 just before the closing quote, in the same word: still refused.
            var bytes = Array("[{\"a\":\"\(plain)".utf8) + [0xC3, 0x28] + Array("\"}]".utf8)
            let error = bytes.withUnsafeMutableBufferPointer { buffer -> ReadError? in
                var handler = RecordingHandler()
                do { try JSONRecordReader.read(UnsafeBufferPointer(buffer), into: &handler); return nil } catch { return error as? ReadError }
            }
            #expect(error?.reason.contains("invalid UTF-8") == true, "\(length)")

            // A raw control character: refused at its own offset.
            let controlled = "[{\"a\":\"\(plain)\u{01}\"}]"
            #expect(readError(controlled)?.offset == 7 + length, "\(length)")
            #expect(readError(controlled)?.reason.contains("control character") == true, "\(length)")
        }
    }

    @Test("refuses nesting deeper than the limit instead of recursing")
    func limitsDepth() {
        let deep = "[{\"a\":" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}]"
        #expect(readError(deep)?.reason.contains("nests deeper") == true)
    }
}
