import Glibc

/// The statistics of one column chunk: the null count and the smallest and largest value in
/// Parquet's `TYPE_ORDER` (signed for integers and reals, false < true, unsigned bytes for
/// strings). Real columns never hold NaN here (a NaN is a null in fink-export), so min and max
/// are over every value written and `nan_count` is 0.
struct ChunkStatistics {
    /// Strings longer than this are not kept as bounds: the chunk then has no min/max rather
    /// than a footer that grows with the data.
    static let boundLimit = 4096

    private(set) var nullCount: Int64 = 0
    private var integers: (min: Int64, max: Int64)?
    private var reals: (min: Double, max: Double)?
    private var sawFalse = false, sawTrue = false
    private var textMin: [UInt8]?, textMax: [UInt8]?
    private var textTooLong = false

    mutating func addNulls(_ count: Int) {
        nullCount += Int64(count)
    }

    mutating func add(_ value: Int64) {
        if let current = integers {
            integers = (Swift.min(current.min, value), Swift.max(current.max, value))
        } else {
            integers = (value, value)
        }
    }

    /// Adds a range already reduced by the caller (a page's own min and max).
    mutating func add(min: Int64, max: Int64) {
        add(min)
        add(max)
    }

    mutating func add(min: Double, max: Double) {
        if let current = reals {
            reals = (Swift.min(current.min, min), Swift.max(current.max, max))
        } else {
            reals = (min, max)
        }
    }

    mutating func add(_ value: Bool) {
        if value { sawTrue = true } else { sawFalse = true }
    }

    mutating func add(text value: UnsafeBufferPointer<UInt8>) {
        guard !textTooLong else { return }
        guard value.count <= Self.boundLimit else {
            textTooLong = true
            textMin = nil
            textMax = nil
            return
        }
        if textMin.map({ Self.compare(value, $0) < 0 }) ?? true { textMin = Array(value) }
        if textMax.map({ Self.compare(value, $0) > 0 }) ?? true { textMax = Array(value) }
    }

    /// Unsigned byte-wise order; a proper prefix sorts first.
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Int {
        b.withUnsafeBufferPointer { b in
            let common = Swift.min(a.count, b.count)
            if common > 0, let x = a.baseAddress, let y = b.baseAddress {
                let order = memcmp(x, y, common)
                if order != 0 { return Int(order) }
            }
            return a.count - b.count
        }
    }

    /// The `(max, min)` bounds as PLAIN bytes of `type`, or nil when there are none.
    func bounds(as type: PhysicalType) -> (max: [UInt8], min: [UInt8])? {
        switch type {
        case .int64:
            return integers.map { ([UInt8].littleEndian($0.max), [UInt8].littleEndian($0.min)) }
        case .int32:
            return integers.map { ([UInt8].littleEndian(Int32($0.max)), [UInt8].littleEndian(Int32($0.min))) }
        case .double, .float:
            // The spec's rule for zeros: a zero max is +0.0 and a zero min is -0.0, so a reader
            // that compares with IEEE order never excludes a zero of the other sign.
            guard var (min, max) = reals else { return nil }
            if max == 0 { max = 0.0 }
            if min == 0 { min = -0.0 }
            if type == .float { return ([UInt8].littleEndian(Float(max).bitPattern), [UInt8].littleEndian(Float(min).bitPattern)) }
            return ([UInt8].littleEndian(max.bitPattern), [UInt8].littleEndian(min.bitPattern))
        case .boolean:
            guard sawFalse || sawTrue else { return nil }
            return ([sawTrue ? 1 : 0], [sawFalse ? 0 : 1])
        case .byteArray:
            guard let textMin, let textMax else { return nil }
            return (textMax, textMin)
        }
    }

    /// Writes the Thrift `Statistics` struct's fields (the caller opens the struct).
    func encode(as type: PhysicalType, into thrift: inout ThriftCompactWriter) {
        thrift.field(3, i64: nullCount)
        if let (max, min) = bounds(as: type) {
            thrift.field(5, binary: max)
            thrift.field(6, binary: min)
            thrift.field(7, bool: true)
            thrift.field(8, bool: true)
        }
        if type == .double || type == .float {
            thrift.field(9, i64: 0)
        }
    }
}
