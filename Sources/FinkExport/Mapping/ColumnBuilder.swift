/// Accumulates one output column of the batch being built.
///
/// Its buffers are appended to for every value read, so their dynamic exclusivity checks are
/// turned off: a builder is only touched by the assembler that owns it, one call at a time.
final class ColumnBuilder {
    let type: ColumnType
    @exclusivity(unchecked) private var integers = ValueBuffer<Int64>()
    @exclusivity(unchecked) private var reals = ValueBuffer<Double>()
    @exclusivity(unchecked) private var booleans = ValueBuffer<Bool>()
    @exclusivity(unchecked) private var text = TextColumn()
    /// Empty while every row so far is present: it is filled in at the first missing value,
    /// so columns without nulls (most of them) cost one append per value, not two.
    @exclusivity(unchecked) private var validity = ValueBuffer<Bool>()
    @exclusivity(unchecked) private var missingCount = 0
    private let capacity: Int

    init(type: ColumnType, capacity: Int) {
        self.type = type
        self.capacity = capacity
        switch type.storage {
        case .integer: integers.reserve(capacity)
        case .real: reals.reserve(capacity)
        case .boolean: booleans.reserve(capacity)
        case .text: text.reserve(rows: capacity, bytesPerRow: 16)
        }
    }

    private var count: Int {
        switch type.storage {
        case .integer: integers.count
        case .real: reals.count
        case .boolean: booleans.count
        case .text: text.count
        }
    }

    @inline(__always)
    private func markPresent() {
        if missingCount > 0 { validity.append(true) }
    }

    func appendMissing() {
        if missingCount == 0 {
            validity.reserve(Swift.max(capacity, count + 1))
            validity.append(true, repeats: count)
        }
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
        markPresent()
    }

    func appendText(_ bytes: UnsafeBufferPointer<UInt8>) {
        text.append(bytes)
        markPresent()
    }

    /// Appends a cell converted to this column's type; returns why it does not fit, if so.
    func append(_ cell: Cell) -> String? {
        // The common case first, without the general rules' outcome values: a JSON number
        // that fits the column as it is.
        if case .number(let number) = cell {
            switch type {
            case .double, .float:
                if let value = number.double, value.isFinite,
                   type == .double || abs(value) <= Double(Float.greatestFiniteMagnitude) {
                    reals.append(value)
                    markPresent()
                    return nil
                }
            case .long, .int:
                if case .value(let value) = number.integer,
                   type == .long || (value >= Int64(Int32.min) && value <= Int64(Int32.max)) {
                    integers.append(value)
                    markPresent()
                    return nil
                }
            default:
                break
            }
        }
        switch type {
        case .int, .long:
            switch ValueConversion.integer(cell, thirtyTwoBit: type == .int) {
            case .value(let value): integers.append(value); markPresent()
            case .missing: appendMissing()
            case .mismatch(let reason): return reason
            }
        case .double, .float:
            switch ValueConversion.real(cell, thirtyTwoBit: type == .float) {
            case .value(let value): reals.append(value); markPresent()
            case .missing: appendMissing()
            case .mismatch(let reason): return reason
            }
        case .bool:
            switch ValueConversion.boolean(cell) {
            case .value(let value): booleans.append(value); markPresent()
            case .missing: appendMissing()
            case .mismatch(let reason): return reason
            }
        case .string, .array:
            switch cell {
            case .null: appendMissing()
            case .string(let b), .text(let b):
                if ValueConversion.isMissingString(b) { appendMissing() } else { appendText(b) }
            case .number(let number): appendText(number.bytes)
            case .composite(let b): appendText(b)
            case .bool(let value):
                var literal = value ? "true" : "false"
                literal.withUTF8 { appendText($0) }
            }
        }
        return nil
    }

    /// Removes the last appended row (a record an assembler's filter dropped).
    func removeLast() {
        switch type.storage {
        case .integer: integers.removeLast()
        case .real: reals.removeLast()
        case .boolean: booleans.removeLast()
        case .text: text.removeLast()
        }
        guard missingCount > 0 else { return }
        if !validity.removeLast() { missingCount -= 1 }
        // No null left: back to an empty validity, as markPresent expects.
        if missingCount == 0 { validity.removeAll() }
    }

    /// The text of the last appended row, if present (used for object ids in messages).
    var lastText: String? {
        guard type.storage == .text, text.count > 0, missingCount == 0 || validity.last == true else { return nil }
        return text[text.count - 1]
    }

    /// Hands the accumulated rows over as a column and starts empty.
    func take() -> Column {
        let values: ColumnValues
        switch type.storage {
        case .integer: values = .integer(integers.take())
        case .real: values = .real(reals.take())
        case .boolean: values = .boolean(booleans.take())
        case .text: values = .text(text); text.removeAll()
        }
        let column = Column(values: values, validity: missingCount == 0 ? nil : validity.take())
        validity.removeAll()
        missingCount = 0
        return column
    }
}
