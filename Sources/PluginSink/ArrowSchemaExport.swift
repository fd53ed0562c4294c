import CFinkExportSink
import FinkExport

/// A table's schema as an Arrow C Data Interface `ArrowSchema`: a struct (`+s`) named after
/// the table whose children are the columns, with the column metadata the ABI header lists.
enum ArrowSchemaExport {
    /// Fills `base` with the schema of `table`; whoever holds `base` then owns it and must call
    /// its `release` once.
    static func export(_ table: TableSchema, into base: UnsafeMutablePointer<ArrowSchema>, ledger: ArrowExportLedger) {
        let storage = ExportStorage(ledger: ledger)
        let children = storage.buffer(of: UnsafeMutablePointer<ArrowSchema>?.self, count: table.fields.count)
        for (index, field) in table.fields.enumerated() {
            let child = storage.buffer(of: ArrowSchema.self, count: 1)
            fill(child, format: format(of: field), name: field.name, metadata: metadata(of: field), flags: Int64(ARROW_FLAG_NULLABLE),
                 storage: ExportStorage(ledger: ledger))
            children[index] = child
        }
        fill(base, format: "+s", name: table.name,
             metadata: table.description.map { [("fink_export.description", $0)] } ?? [], flags: 0,
             children: children, childCount: table.fields.count, storage: storage)
    }

    /// The Arrow format string a field crosses as.
    static func format(of field: Field) -> String {
        switch field.storage {
        case .integer: return field.bitWidth == 32 ? "i" : "l"
        case .real: return "g"
        case .boolean: return "b"
        case .text: return "u"
        }
    }

    /// The documented `fink_export.*` keys of a column, those that are known.
    static func metadata(of field: Field) -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = [("fink_export.type", field.type.rawValue)]
        if let width = field.bitWidth { pairs.append(("fink_export.bit_width", String(width))) }
        if let unit = field.unit { pairs.append(("fink_export.unit", unit)) }
        if let ucd = field.ucd { pairs.append(("fink_export.ucd", ucd)) }
        if let description = field.description { pairs.append(("fink_export.description", description)) }
        if let role = field.role { pairs.append(("fink_export.role", role.rawValue)) }
        return pairs
    }

    private static func fill(_ schema: UnsafeMutablePointer<ArrowSchema>, format: String, name: String,
                             metadata: [(key: String, value: String)], flags: Int64,
                             children: UnsafeMutablePointer<UnsafeMutablePointer<ArrowSchema>?>? = nil, childCount: Int = 0,
                             storage: ExportStorage) {
        let encoded = ArrowMetadata.encode(metadata).map { bytes -> UnsafePointer<CChar> in
            storage.copy(bytes).assumingMemoryBound(to: CChar.self)
        }
        schema.initialize(to: ArrowSchema(
            format: storage.cString(format), name: storage.cString(name), metadata: encoded, flags: flags,
            n_children: Int64(childCount), children: children, dictionary: nil,
            release: releaseSchema, private_data: storage.retainedPointer()))
    }
}

/// The producer's release (C Data Interface): releases the children that are not released
/// yet (a consumer may have moved one out), frees what this node owns, marks it released.
private let releaseSchema: @convention(c) (UnsafeMutablePointer<ArrowSchema>?) -> Void = { schema in
    guard let schema else { return }
    guard schema.pointee.release != nil, let storage = schema.pointee.private_data else {
        // Already released: nothing of it remains to say which writer it came from.
        ArrowExportLedger.strayReleases.add(1, ordering: .relaxed)
        return
    }
    for index in 0 ..< Int(schema.pointee.n_children) {
        if let child = schema.pointee.children?[index], let release = child.pointee.release { release(child) }
    }
    schema.pointee.private_data = nil
    schema.pointee.release = nil
    ExportStorage.release(storage)
}
