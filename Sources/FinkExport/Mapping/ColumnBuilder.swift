/// Accumulates one output column of the batch being built.
final class ColumnBuilder {
    let type: ColumnType
    private(set) var integers: [Int64] = []
    private(set) var reals: [Double] = []
    private(set) var booleans: [Bool] = []
    private(set) var text = TextColumn()
    private var validity: [Bool] = []
    private var missingCount = 0

    init(type: ColumnType, capacity: Int) {
        self.type = type
        switch type.storage {
        case .integer: integers.reserveCapacity(capacity)
        case .real: reals.reserveCapacity(capacity)
        case .boolean: booleans.reserveCapacity(capacity)
        case .text: text.reserve(rows: capacity, bytesPerRow: 16)
        }
        validity.reserveCapacity(capacity)
    }

    func appendMissing() {
        switch type.storage {
        case .integer: integers.append(0)
        case .real: reals.append(.nan)
        case .boolean: booleans.append(false)
        case .text: text.appendEmpty()
        }
        validity.append(false)
        missingCount += 1
    }

    func appendReal(_ value: Double) {
        if value.isNaN { appendMissing(); return }
        reals.append(value)
        validity.append(true)
    }

    func appendText(_ bytes: UnsafeBufferPointer<UInt8>) {
        text.append(bytes)
        validity.append(true)
    }

    /// Appends a cell converted to this column's type; returns why it does not fit, if so.
    func append(_ cell: Cell) -> String? {
        switch type {
        case .int, .long:
            switch ValueConversion.integer(cell, thirtyTwoBit: type == .int) {
            case .value(let value): integers.append(value); validity.append(true)
            case .missing: appendMissing()
            case .mismatch(let reason): return reason
            }
        case .double, .float:
            switch ValueConversion.real(cell, thirtyTwoBit: type == .float) {
            case .value(let value): reals.append(value); validity.append(true)
            case .missing: appendMissing()
            case .mismatch(let reason): return reason
            }
        case .bool:
            switch ValueConversion.boolean(cell) {
            case .value(let value): booleans.append(value); validity.append(true)
            case .missing: appendMissing()
            case .mismatch(let reason): return reason
            }
        case .string, .array:
            switch cell {
            case .null: appendMissing()
            case .string(let b), .text(let b):
                if ValueConversion.isMissingString(b) { appendMissing() } else { appendText(b) }
            case .number(let b), .composite(let b): appendText(b)
            case .bool(let value):
                var literal = value ? "true" : "false"
                literal.withUTF8 { appendText($0) }
            }
        }
        return nil
    }

    /// The text of the last appended row, if present (used for object ids in messages).
    var lastText: String? {
        guard type.storage == .text, let valid = validity.last, valid else { return nil }
        return text[text.count - 1]
    }

    /// Hands the accumulated rows over as a column and starts empty.
    func take() -> Column {
        let values: ColumnValues
        switch type.storage {
        case .integer: values = .integer(integers); integers.removeAll(keepingCapacity: true)
        case .real: values = .real(reals); reals.removeAll(keepingCapacity: true)
        case .boolean: values = .boolean(booleans); booleans.removeAll(keepingCapacity: true)
        case .text: values = .text(text); text.removeAll()
        }
        let column = Column(values: values, validity: missingCount == 0 ? nil : validity)
        validity.removeAll(keepingCapacity: true)
        missingCount = 0
        return column
    }
}
