/// Writes Thrift structs in the compact protocol (apache/thrift
/// `doc/specs/thrift-compact-protocol.md`), the encoding of every Parquet page header and of
/// the footer.
///
/// Fields must be written in ascending id order within a struct, which lets every field use
/// the one-byte header; ``beginStruct()`` and ``endStruct()`` keep the last id of each open
/// struct, so nesting is a matter of calling them in pairs.
struct ThriftCompactWriter {
    /// The compact protocol's type ids, as they appear in field and list headers.
    enum WireType: UInt8 {
        case booleanTrue = 1, booleanFalse = 2, i8 = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
        case binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    private(set) var bytes: [UInt8] = []
    /// The last field id written in each open struct, innermost last.
    private var lastFieldIDs: [Int16] = [0]

    // MARK: Structs and fields

    /// Starts a struct written as the value of the field just begun (or as a list element).
    mutating func beginStruct() {
        lastFieldIDs.append(0)
    }

    /// Ends the innermost struct with the stop byte.
    mutating func endStruct() {
        bytes.append(0)
        lastFieldIDs.removeLast()
    }

    /// Writes the header of field `id` of type `type` in the current struct.
    mutating func fieldHeader(_ id: Int16, _ type: WireType) {
        let delta = Int(id) - Int(lastFieldIDs[lastFieldIDs.count - 1])
        precondition(delta > 0, "Thrift fields are written in ascending id order")
        if delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(zigzag(Int64(id)))
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
    }

    mutating func field(_ id: Int16, i32 value: Int32) {
        fieldHeader(id, .i32)
        varint(zigzag(Int64(value)))
    }

    mutating func field(_ id: Int16, i64 value: Int64) {
        fieldHeader(id, .i64)
        varint(zigzag(value))
    }

    mutating func field(_ id: Int16, i16 value: Int16) {
        fieldHeader(id, .i16)
        varint(zigzag(Int64(value)))
    }

    /// An `i8` is one raw byte, two's complement (no zigzag).
    mutating func field(_ id: Int16, i8 value: Int8) {
        fieldHeader(id, .i8)
        bytes.append(UInt8(bitPattern: value))
    }

    /// A boolean field has no value byte: the type nibble carries it.
    mutating func field(_ id: Int16, bool value: Bool) {
        fieldHeader(id, value ? .booleanTrue : .booleanFalse)
    }

    mutating func field(_ id: Int16, binary value: some Collection<UInt8>) {
        fieldHeader(id, .binary)
        binary(value)
    }

    mutating func field(_ id: Int16, string value: String) {
        field(id, binary: value.utf8)
    }

    /// A field whose value is a struct: `body` writes the inner fields.
    mutating func field(_ id: Int16, struct body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, .structure)
        beginStruct()
        body(&self)
        endStruct()
    }

    /// A field whose value is an empty struct (Parquet's marker types, such as `StringType`).
    mutating func field(_ id: Int16, emptyStruct: Void) {
        field(id) { _ in }
    }

    // MARK: Lists

    /// Writes a list header: `count` elements of `type` follow, with no per-element header.
    mutating func listHeader(_ count: Int, of type: WireType) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            varint(UInt64(count))
        }
    }

    mutating func field(_ id: Int16, i32List values: [Int32]) {
        fieldHeader(id, .list)
        listHeader(values.count, of: .i32)
        for value in values { varint(zigzag(Int64(value))) }
    }

    mutating func field(_ id: Int16, stringList values: [String]) {
        fieldHeader(id, .list)
        listHeader(values.count, of: .binary)
        for value in values { binary(value.utf8) }
    }

    /// A list of structs: `body` writes the fields of element `i`.
    mutating func field<Element>(_ id: Int16, structList elements: [Element],
                                 _ body: (inout ThriftCompactWriter, Element) -> Void) {
        fieldHeader(id, .list)
        listHeader(elements.count, of: .structure)
        for element in elements {
            beginStruct()
            body(&self, element)
            endStruct()
        }
    }

    // MARK: Primitives

    /// Unsigned LEB128 (see ``Swift/Array/appendVarint(_:)``).
    mutating func varint(_ value: UInt64) {
        bytes.appendVarint(value)
    }

    func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    /// Binary and string values: a varint length, then the bytes.
    mutating func binary(_ value: some Collection<UInt8>) {
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }
}
