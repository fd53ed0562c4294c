import FinkExport

/// One batch of a text format, rendered column by column and written out row by row.
///
/// Rendering a row at a time switches on every cell's column type and retains the column's
/// array for every cell: a profile of the CSV writer put a sixth of its time there. Rendered a
/// column at a time, each cell is a plain loop step; the rows are then joined from the cells'
/// bytes, with a fixed prefix before each column's cell and a fixed end after each row.
///
/// Use, for each of the batch's ``slices(of:)``: ``begin(rows:)``, then for each column in order one ``endCell()`` per row after appending
/// the cell's bytes (nothing, for an empty cell) to ``bytes``, then ``writeRows(to:)``.
public struct TextCellGrid {
    /// The bytes of the cells rendered so far, one after another.
    public var bytes: [UInt8] = []
    private var ends: [UInt32] = []
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

    /// Starts a slice of `rows` rows; the buffers of the last batch are reused.
    public mutating func begin(rows: Int) {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        ends.reserveCapacity(rows * prefixEnds.count)
        rowCount = rows
    }

    /// Closes the current cell: what was appended to ``bytes`` since the last one.
    @inline(__always)
    public mutating func endCell() {
        ends.append(UInt32(bytes.count))
    }

    /// Writes the batch's rows, then forgets them.
    public mutating func writeRows(to output: ByteOutput) throws {
        let columns = prefixEnds.count
        precondition(ends.count == rowCount * columns, "one cell per row in every column")
        guard rowCount > 0 else { return }
        try bytes.withUnsafeBufferPointer { cells in
            try ends.withUnsafeBufferPointer { ends in
                try prefixes.withUnsafeBufferPointer { prefixes in
                    try prefixEnds.withUnsafeBufferPointer { prefixEnds in
                        for row in 0 ..< rowCount {
                            try output.append { out in
                                var prefixStart = 0
                                for column in 0 ..< columns {
                                    out.append(contentsOf: UnsafeBufferPointer(rebasing: prefixes[prefixStart ..< prefixEnds[column]]))
                                    prefixStart = prefixEnds[column]
                                    let cell = column * rowCount + row
                                    let start = cell == 0 ? 0 : Int(ends[cell - 1])
                                    out.append(contentsOf: UnsafeBufferPointer(rebasing: cells[start ..< Int(ends[cell])]))
                                }
                                out.append(contentsOf: rowEnd)
                            }
                        }
                    }
                }
            }
        }
    }
}
