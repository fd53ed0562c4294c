/// How the assembler expands one feature list into its feature columns.
extension BatchAssembler {
    func appendFeatures(_ cell: Cell, route: Route, slot: Int) throws {
        let bytes: UnsafeBufferPointer<UInt8>
        switch cell {
        case .null:
            appendMissing(slot: slot)
            return
        case .string(let b), .text(let b):
            if ValueConversion.isMissingString(b) {
                appendMissing(slot: slot)
                return
            }
            bytes = b
        case .composite(let b):
            bytes = b
        case .number, .bool:
            try problem(in: sources[slot].name, "value \(ValueConversion.preview(cell)) is not a feature list")
            appendMissing(slot: slot)
            return
        }
        let count: Int
        do {
            count = try FeatureStringParser.parse(bytes, into: &featureScratch)
        } catch let error as FeatureStringError {
            try problem(in: sources[slot].name, error.description)
            appendMissing(slot: slot)
            return
        }
        // An empty list is a missing band; a list of the wrong length is a data error.
        if count == 0 {
            appendMissing(slot: slot)
        } else if count == featureCount {
            for index in 0 ..< featureCount {
                fieldBuilders[route.firstField + index]!._withUnsafeGuaranteedRef { $0.appendReal(featureScratch[index]) }
            }
        } else {
            try problem(in: sources[slot].name, "the feature list has \(count) values, expected \(featureCount)")
            appendMissing(slot: slot)
        }
    }
}
