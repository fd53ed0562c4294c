import FinkExport
import Foundation
import Testing

@Suite("Schema mapper: types, names and feature expansion on real-shaped records")
struct SchemaMapperTests {
    static let featureNames = ColumnCatalogue.builtin.features.map(\.name)

    @Test("the catalogue holds every reference column and the 26 features in order")
    func catalogue() {
        let catalogue = ColumnCatalogue.builtin
        #expect(catalogue.columns.count == 168)
        #expect(catalogue["i:candid"]?.type == .long)
        #expect(catalogue["i:magpsf"]?.unit == "mag")
        #expect(catalogue["d:lc_features_g"]?.expandsFeatures == true)
        #expect(Self.featureNames.count == 26)
        #expect(Self.featureNames.first == "mean" && Self.featureNames.last == "stetson_K")
        #expect(Self.featureNames[15] == "magnitude_percentage_ratio_40_5")
    }

    @Test("maps the ZTF18acqucmw record: exact id, float32-rendered values, NaN features as nulls")
    func realRecord() throws {
        let fixture = try Fixtures.json("fink_broker_testdata_ZTF18acqucmw.json")
        let record = fixture["api_style_record_DERIVED"] as! [String: Any]
        let table = try map(try Fixtures.responseBody(record), table: .anomalies)
        #expect(table.rowCount == 1)
        #expect(try table.value("i:objectId", row: 0) == .text("ZTF18acqucmw"))
        #expect(try table.value("i:candid", row: 0) == .integer(1_095_578_116_115_010_004))
        #expect(try table.value("i:magpsf", row: 0) == .real(14.979502))
        #expect(try table.value("i:fid", row: 0) == .integer(2))
        #expect(try table.value("i:ssnamenr", row: 0) == .text("null"))
        #expect(try table.value("d:anomaly_score", row: 0) == .real(-0.3718954529))
        // All-NaN g band: every feature missing.
        for feature in Self.featureNames {
            #expect(try table.value("d:lc_features_g_\(feature)", row: 0) == .null)
        }
        #expect(try table.value("d:lc_features_r_mean", row: 0) == .real(13.500568596973332))
        #expect(try table.value("d:lc_features_r_amplitude", row: 0) == .real(0))
        #expect(try table.value("d:lc_features_r_standard_deviation", row: 0) == .null)
        // Columns the record lacks are present and null; the layout follows the catalogue.
        #expect(try table.value("i:rb", row: 0) == .null)
        #expect(table.schema.fields.count == ColumnCatalogue.builtin.defaultColumns(for: .anomaly).count + 2 * 25)
    }

    @Test("expands the real feature strings of both bands and the 26 × null of a missing band")
    func realFeatureStrings() throws {
        let fixture = try Fixtures.json("lc_features_real_values_derived_strings.json")
        for case_ in ["both_bands", "only_fid2_r_band", "no_features"] {
            let entry = fixture[case_] as! [String: Any]
            let featureMap = entry["lc_features_map"] as? [String: [String: Any]] ?? [:]
            let strings = ["g": entry["DERIVED_d:lc_features_g"] as! String, "r": entry["DERIVED_d:lc_features_r"] as! String]
            let record: [String: Any] = ["i:objectId": "ZTF00test", "d:lc_features_g": strings["g"]!, "d:lc_features_r": strings["r"]!]
            let table = try map(try Fixtures.responseBody(record), table: .objects,
                                options: MappingOptions(columns: ["i:objectId", "d:lc_features_g", "d:lc_features_r"]))
            for (band, fid) in [("g", "1"), ("r", "2")] {
                // The API's digits are the string's; the data-lake map agrees to the last few ulps.
                let tokens = strings[band]!.dropFirst().dropLast().components(separatedBy: ", ")
                for (index, feature) in Self.featureNames.enumerated() {
                    let got = try table.value("d:lc_features_\(band)_\(feature)", row: 0)
                    let lake = featureMap[fid]?[feature] as? Double
                    if let lake, !lake.isNaN {
                        #expect(got == .real(Double(tokens[index])!), "\(case_) \(band) \(feature)")
                        if case .real(let value) = got { #expect(abs(value - lake) <= 1e-14 * max(1, abs(lake))) }
                    } else {
                        #expect(got == .null, "\(case_) \(band) \(feature)")
                    }
                }
            }
        }
    }

    @Test("a feature list of the wrong length is an error naming the object")
    func wrongLength() throws {
        let fixture = try Fixtures.json("third_party_latests_record_ZTF26aavkpsy.json")
        let record = fixture["record"] as! [String: Any]
        #expect(throws: MappingError.valueDoesNotFit(table: "objects", row: 1, objectId: "ZTF26aavkpsy", column: "d:lc_features_g",
                                                     reason: "the feature list has 6 values, expected 26")) {
            try map(try Fixtures.responseBody(record), table: .objects)
        }
    }

    @Test("--no-expand keeps the raw feature string")
    func noExpand() throws {
        let table = try map(#"[{"i:objectId":"ZTF1","d:lc_features_g":"[1.0, NaN]","d:lc_features_r":"[]"}]"#,
                            options: MappingOptions(expandFeatures: false, columns: ["i:objectId", "d:lc_features_g", "d:lc_features_r"]))
        #expect(table.schema.fields.map(\.name) == ["i:objectId", "d:lc_features_g", "d:lc_features_r"])
        #expect(try table.value("d:lc_features_g", row: 0) == .text("[1.0, NaN]"))
        #expect(try table.value("d:lc_features_r", row: 0) == .text("[]"))
    }

    @Test("missing values: null, NaN, absent keys and the \"nan\" string all become null")
    func missingValues() throws {
        let table = try map(#"""
        [{"i:objectId":"ZTF1","i:magpsf":null,"i:fid":1,"d:cdsxmatch":"nan","i:ssnamenr":"null"},
         {"i:objectId":"ZTF2","i:magpsf":NaN,"d:cdsxmatch":"Fail 503","i:ssnamenr":"nan"}]
        """#, options: MappingOptions(columns: ["i:objectId", "i:magpsf", "i:fid", "d:cdsxmatch", "i:ssnamenr"]))
        #expect(try table.column("i:magpsf") == [.null, .null])
        #expect(try table.column("i:fid") == [.integer(1), .null])
        #expect(try table.column("d:cdsxmatch") == [.null, .text("Fail 503")])
        #expect(try table.column("i:ssnamenr") == [.text("null"), .null])
    }

    @Test("upper-limit rows: numbers sent as strings are read as numbers")
    func upperLimitStrings() throws {
        let table = try map(#"""
        [{"i:objectId":"ZTF1","i:candid":-1,"i:fid":"1","i:diffmaglim":"20.1234","d:tag":"upperlim","i:magpsf":null},
         {"i:objectId":"ZTF1","i:candid":1400219061115010048,"i:fid":2,"i:diffmaglim":19.5,"d:tag":"valid","i:magpsf":18.25}]
        """#)
        #expect(try table.column("i:fid") == [.integer(1), .integer(2)])
        #expect(try table.column("i:diffmaglim") == [.real(20.1234), .real(19.5)])
        #expect(try table.column("i:candid") == [.integer(-1), .integer(1_400_219_061_115_010_048)])
        #expect(try table.column("d:tag") == [.text("upperlim"), .text("valid")])
    }

    @Test("a value that does not fit is an error naming row, object, column and value")
    func mismatch() throws {
        #expect(throws: MappingError.valueDoesNotFit(table: "objects", row: 2, objectId: "ZTF2", column: "i:fid",
                                                     reason: "value \"abc\" is not a number (column type int)")) {
            try map(#"[{"i:objectId":"ZTF1","i:fid":1},{"i:fid":"abc","i:objectId":"ZTF2"}]"#,
                    options: MappingOptions(columns: ["i:objectId", "i:fid"]))
        }
        #expect(throws: MappingError.valueDoesNotFit(table: "objects", row: 1, objectId: "ZTF1", column: "i:fid",
                                                     reason: "value 4294967296 does not fit a 32-bit int (column type int)")) {
            try map(#"[{"i:objectId":"ZTF1","i:fid":4294967296}]"#, options: MappingOptions(columns: ["i:objectId", "i:fid"]))
        }
        #expect(throws: MappingError.self) {
            try map(#"[{"i:objectId":"ZTF1","i:candid":1.0950000000000001e18}]"#, options: MappingOptions(columns: ["i:objectId", "i:candid"]))
        } // (the reason's wording is the conversion's; the case and column are what matter)
    }

    @Test("--lenient writes a counted null instead of failing")
    func lenient() throws {
        let mapper = try SchemaMapper(options: MappingOptions(lenient: true, columns: ["i:objectId", "i:fid"]))
        var assembler = BatchAssembler(table: .objects, mapper: mapper)
        try Array(#"[{"i:objectId":"ZTF1","i:fid":"abc"},{"i:objectId":"ZTF2","i:fid":2}]"#.utf8).withUnsafeBufferPointer {
            try JSONRecordReader.read($0, into: &assembler)
        }
        try assembler.finish()
        let batches = assembler.takeBatches()
        #expect(assembler.stats.lenientNulls == ["i:fid": 1])
        #expect(MappedTable.value(batches[0].columns[1], 0) == .null)
        #expect(MappedTable.value(batches[0].columns[1], 1) == .integer(2))
    }

    @Test("a column the catalogue lacks gets an inferred type and one warning")
    func inferred() throws {
        let fixture = try Fixtures.json("third_party_conesearch_raw_body_ZTF26aawdxet.json")
        let table = try map(Data((fixture["raw_body"] as! String).utf8), options: MappingOptions(columns: ["i:objectId", "i:candid", "i:jd"]))
        let separation = table.schema.fields.first { $0.name == "v:separation_degree" }
        #expect(separation?.type == .double)
        #expect(separation?.origin == .inferred)
        #expect(try table.value("v:separation_degree", row: 0) == .real(0.0000280975))
        #expect(try table.value("d:classification", row: 0) == .text("Unknown"))
        #expect(try table.value("i:jd", row: 0) == .real(2461186.9361689999))
        #expect(try table.value("i:candid", row: 0) == .integer(3_432_436_160_215_015_018))
        #expect(table.inferred.contains("v:separation_degree as double"))
        #expect(table.inferred.contains("d:classification as string"))
    }

    @Test("--names plain drops namespaces and refuses collisions, naming both columns")
    func plainNames() throws {
        let table = try map(#"[{"i:objectId":"ZTF1","i:magpsf":18.5,"d:lc_features_g":"[]"}]"#,
                            options: MappingOptions(nameStyle: .plain, columns: ["i:objectId", "i:magpsf", "d:lc_features_g"]))
        #expect(Array(table.schema.fields.map(\.name).prefix(3)) == ["objectId", "magpsf", "lc_features_g_mean"])
        #expect(throws: MappingError.nameCollision(first: "i:magpsf", second: "d:magpsf", name: "magpsf")) {
            try map(#"[{"i:objectId":"ZTF1","d:magpsf":1.0,"i:magpsf":18.5}]"#,
                    options: MappingOptions(nameStyle: .plain, columns: ["i:objectId", "i:magpsf"]))
        }
    }

    @Test("a duplicate key inside one record is an error")
    func duplicateKey() {
        #expect(throws: MappingError.repeatedKey(table: "objects", row: 1, column: "i:fid")) {
            try map(#"[{"i:objectId":"ZTF1","i:fid":1,"i:fid":2}]"#, options: MappingOptions(columns: ["i:objectId", "i:fid"]))
        }
    }

    @Test("requested columns: i:objectId is kept first, v: and b: columns are refused before any request")
    func requestedColumns() throws {
        let mapper = try SchemaMapper(options: MappingOptions(columns: ["i:jd", "i:magpsf"]))
        #expect(mapper.requestColumns == ["i:objectId", "i:jd", "i:magpsf"])
        #expect(throws: MappingError.derivedColumn("v:lapse")) { try SchemaMapper(options: MappingOptions(columns: ["v:lapse"])) }
        #expect(throws: MappingError.cutoutColumn("b:cutoutScience_stampData")) {
            try SchemaMapper(options: MappingOptions(columns: ["b:cutoutScience_stampData"]))
        }
        #expect(throws: MappingError.repeatedColumn("i:jd")) { try SchemaMapper(options: MappingOptions(columns: ["i:jd", "i:jd"])) }
        #expect(throws: MappingError.emptyColumnName) { try SchemaMapper(options: MappingOptions(columns: ["i:jd", ""])) }
    }

    @Test("a column first seen after the table's columns were fixed is an error, not dropped")
    func lateColumn() {
        #expect(throws: MappingError.lateColumn(table: "objects", column: "x:new")) {
            try map(#"[{"i:objectId":"ZTF1"},{"i:objectId":"ZTF2","x:new":1}]"#,
                    options: MappingOptions(columns: ["i:objectId"], batchRows: 1))
        }
    }

    @Test("the API's CSV maps to the same values as its JSON")
    func csvInput() throws {
        let csv = #"""
        d:cdsxmatch,d:lc_features_g,i:candid,i:fid,i:magpsf,i:objectId,d:from_upper
        "EB*, ""odd""","[1.0, NaN, 3.5E-4]",1400219061115010048,2,18.291412,ZTF18aabfjoi,True
        nan,[],-1,1,,ZTF18aabfjoi,False

        """#
        let table = try map(csv, options: MappingOptions(expandFeatures: false,
                            columns: ["i:objectId", "d:cdsxmatch", "d:lc_features_g", "i:candid", "i:fid", "i:magpsf", "d:from_upper"]))
        #expect(table.rowCount == 2)
        #expect(try table.column("d:cdsxmatch") == [.text("EB*, \"odd\""), .null])
        #expect(try table.column("i:candid") == [.integer(1_400_219_061_115_010_048), .integer(-1)])
        #expect(try table.column("i:magpsf") == [.real(18.291412), .null])
        #expect(try table.column("d:from_upper") == [.bool(true), .bool(false)])
        #expect(try table.column("d:lc_features_g") == [.text("[1.0, NaN, 3.5E-4]"), .text("[]")])
    }
}
