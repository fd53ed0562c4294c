/// Holds the values of a column the catalogue does not know until its type is decided.
///
/// Only the first batch of a table is held this way; the type it settles on is the type the
/// column keeps for the rest of the export.
final class InferredColumn {
    private enum OwnedCell {
        case null
        case bool(Bool)
        case number([UInt8])
        case string([UInt8])
        case text([UInt8])
        case composite([UInt8])
    }

    private var cells: [OwnedCell] = []

    func append(_ cell: Cell) {
        switch cell {
        case .null: cells.append(.null)
        case .bool(let value): cells.append(.bool(value))
        case .number(let number): cells.append(.number(Array(number.bytes)))
        case .string(let b): cells.append(.string(Array(b)))
        case .text(let b): cells.append(.text(Array(b)))
        case .composite(let b): cells.append(.composite(Array(b)))
        }
    }

    func appendMissing() {
        cells.append(.null)
    }

    /// Removes the last value (a record an assembler's filter dropped).
    func removeLast() {
        cells.removeLast()
    }

    /// The narrowest type that holds every value seen: bool, long, double, array or string.
    func inferredType() -> ColumnType {
        var sawBool = false, sawInteger = false, sawReal = false, sawText = false, sawComposite = false
        for cell in cells {
            switch cell {
            case .null: break
            case .bool: sawBool = true
            case .number(let b): classifyNumber(b, &sawInteger, &sawReal)
            case .string(let b): if !b.withUnsafeBufferPointer(ValueConversion.isMissingString) { sawText = true }
            case .composite: sawComposite = true
            case .text(let b):
                b.withUnsafeBufferPointer { buffer in
                    if ValueConversion.isMissingText(buffer) { return }
                    if case .value = ValueConversion.boolean(.text(buffer)), !buffer.allSatisfy(isDigit) {
                        sawBool = true
                    } else if case .value = NumberParsing.integer(buffer) {
                        sawInteger = true
                    } else if NumberParsing.double(buffer) != nil {
                        sawReal = true
                    } else {
                        sawText = true
                    }
                }
            }
        }
        let kinds = [sawBool, sawInteger || sawReal, sawText, sawComposite].filter { $0 }.count
        if kinds > 1 || sawText { return .string }
        if sawComposite { return .array }
        if sawBool { return .bool }
        if sawReal { return .double }
        if sawInteger { return .long }
        return .string
    }

    private func classifyNumber(_ bytes: [UInt8], _ sawInteger: inout Bool, _ sawReal: inout Bool) {
        bytes.withUnsafeBufferPointer { buffer in
            if case .value = NumberParsing.integer(buffer) { sawInteger = true } else { sawReal = true }
        }
    }

    /// Replays the held values into a typed builder; returns the row and reason of the first
    /// value that does not fit (only possible for rows that were missing-like text).
    func replay(into builder: ColumnBuilder) -> (row: Int, reason: String)? {
        for (row, cell) in cells.enumerated() {
            let reason: String?
            switch cell {
            case .null: builder.appendMissing(); reason = nil
            case .bool(let value): reason = builder.append(.bool(value))
            case .number(let b): reason = b.withUnsafeBufferPointer { builder.append(.number(NumberLiteral(bytes: $0))) }
            case .string(let b): reason = b.withUnsafeBufferPointer { builder.append(.string($0)) }
            case .text(let b): reason = b.withUnsafeBufferPointer { builder.append(.text($0)) }
            case .composite(let b): reason = b.withUnsafeBufferPointer { builder.append(.composite($0)) }
            }
            if let reason { return (row, reason) }
        }
        cells.removeAll()
        return nil
    }
}
