import FinkExport

/// Rows of a text format, rendered column by column and written out row by row.
///
/// Rendering a row at a time switches on every cell's column type and retains the column's
/// array for every cell: a profile of the CSV writer put a sixth of its time there. Rendered a
/// column at a time, each cell is a plain loop step; the rows are then joined from the cells'
/// bytes, with a fixed prefix before each column's cell and a fixed end after each row.
///
/// Use, for each of a batch's ``slices(of:)``: ``render(_:rows:style:)``, then ``writeRows(to:)``.
/// What differs between formats (missing values, doubles, text escaping) is the ``TextCellStyle``.
public struct TextCellGrid {
    /// The bytes of the cells rendered so far, one after another. A class: a copy of the grid
    /// would share them, so each writer keeps its own grid and never copies it.
    @usableFromInline let bytes = CellBytes()
    /// The rows joined from the cells, before they go to the output (written in place only).
    private let rows = CellBytes(zeroed: false)
    @usableFromInline var ends: [UInt32] = []
    private var rowCount = 0
    private var prefixes: [UInt8] = []
    private var prefixEnds: [Int] = []
    private var rowEnd: [UInt8] = []

    /// A grid whose rows are `prefixes[0] cell0 prefixes[1] cell1 … rowEnd`.
    public init(prefixes: [[UInt8]], rowEnd: [UInt8]) {
        for prefix in prefixes {
            self.prefixes.append(contentsOf: prefix)
            prefixEnds.append(self.prefixes.count)
        }
        self.rowEnd = rowEnd
    }

    /// A batch's rows in slices of at most 1,024: the grid of a slice stays a few MB however
    /// large the batch, and its buffers are reused from slice to slice.
    public static func slices(of rowCount: Int) -> [Range<Int>] {
        stride(from: 0, to: rowCount, by: 1024).map { $0 ..< min($0 + 1024, rowCount) }
    }

    /// Renders the cells of `rows` of `batch`, a column at a time, in `style`. Integers are
    /// decimal and booleans `true`/`false` in every text format.
    @inlinable
    public mutating func render<Style: TextCellStyle>(_ batch: RecordBatch, rows: Range<Int>, style: inout Style) {
        begin(rows: rows.count)
        for (index, column) in batch.columns.enumerated() {
            let validity = column.validity
            switch column.values {
            case .integer(let values):
                for row in rows {
                    if validity?[row] ?? true { TextFormatting.appendInteger(values[row], to: bytes) } else { style.appendMissing(to: bytes) }
                    endCell()
                }
            case .real(let values):
                for row in rows {
                    if validity?[row] ?? true { style.appendReal(values[row], column: index, to: bytes) } else { style.appendMissing(to: bytes) }
                    endCell()
                }
            case .boolean(let values):
                for row in rows {
                    if validity?[row] ?? true { Self.appendBoolean(values[row], to: bytes) } else { style.appendMissing(to: bytes) }
                    endCell()
                }
            case .text(let text):
                for row in rows {
                    if validity?[row] ?? true {
                        text.withBytes(of: row) { style.appendText($0, to: bytes) }
                    } else {
                        style.appendMissing(to: bytes)
                    }
                    endCell()
                }
            }
        }
    }

    @inlinable
    static func appendBoolean(_ value: Bool, to out: CellBytes) {
        out.append(value ? "true" : "false")
    }

    /// Starts a slice of `rows` rows; the buffers of the last slice are reused.
    @usableFromInline
    mutating func begin(rows: Int) {
        bytes.removeAll()
        ends.removeAll(keepingCapacity: true)
        ends.reserveCapacity(rows * prefixEnds.count)
        rowCount = rows
    }

    /// Closes the current cell: what was appended to ``bytes`` since the last one.
    @inlinable
    mutating func endCell() {
        ends.append(UInt32(bytes.count))
    }

    /// Writes the slice's rows.
    public mutating func writeRows(to output: ByteOutput) throws {
        let columns = prefixEnds.count
        precondition(ends.count == rowCount * columns, "one cell per row in every column")
        guard rowCount > 0 else { return }
        // The rows' length is known, so they are copied into place rather than appended piece
        // by piece (two appends per cell cost more than the bytes they move). They are laid out
        // in a buffer of our own, not grown in the output's array: growing an array by zeros
        // goes element by element in a debug build, which made the text sinks 8 to 20 times
        // slower than the Parquet sink in the tests.
        let total = bytes.count + rowCount * (prefixes.count + rowEnd.count)
        rows.removeAll()
        let target = UnsafeMutableRawPointer(rows.tail(reserving: total))
        bytes.withBytes { cells in
            ends.withUnsafeBufferPointer { ends in
                prefixes.withUnsafeBytes { prefixes in
                    prefixEnds.withUnsafeBufferPointer { prefixEnds in
                        rowEnd.withUnsafeBytes { rowEnd in
                            var at = 0
                            func put(_ source: UnsafeRawBufferPointer, _ start: Int, _ end: Int) {
                                guard end > start else { return }
                                (target + at).copyMemory(from: source.baseAddress! + start, byteCount: end - start)
                                at += end - start
                            }
                            for row in 0 ..< rowCount {
                                var prefixStart = 0
                                for column in 0 ..< columns {
                                    put(prefixes, prefixStart, prefixEnds[column])
                                    prefixStart = prefixEnds[column]
                                    let cell = column * rowCount + row
                                    put(cells, cell == 0 ? 0 : Int(ends[cell - 1]), Int(ends[cell]))
                                }
                                put(rowEnd, 0, rowEnd.count)
                            }
                            precondition(at == total, "rows of the computed length")
                        }
                    }
                }
            }
        }
        rows.didWrite(total)
        try rows.withBytes { try output.write($0.assumingMemoryBound(to: UInt8.self)) }
    }
}

/// How one text format writes the cells that differ between formats. The grid calls it once
/// per cell, specialised for the format (no dynamic dispatch in the loop).
public protocol TextCellStyle {
    /// Appends a missing value (CSV: nothing; JSON: `null`).
    func appendMissing(to out: CellBytes)
    /// Appends a present double of column `column` (the index, for what a style counts).
    mutating func appendReal(_ value: Double, column: Int, to out: CellBytes)
    /// Appends a present string, escaped or quoted as the format needs.
    func appendText(_ bytes: UnsafeBufferPointer<UInt8>, to out: CellBytes)
}
