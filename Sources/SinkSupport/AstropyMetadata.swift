import FinkExport

/// The YAML lines astropy stores beside a table (HDF5: `<path>.__table_column_meta__`,
/// Parquet: the `table_meta_yaml` key): column
/// datatypes, units, descriptions, UCDs, and the serialized-column entries that make astropy
/// rebuild `X` plus `X.mask` as one masked column.
public enum AstropyMetadata {
    /// One column as astropy describes it.
    public struct Column {
        public var name: String
        public var datatype: String
        public var unit: String?
        public var description: String?
        public var ucd: String?
        /// The name of the mask member, when the column has one.
        public var mask: String?

        /// Creates a column description.
        public init(name: String, datatype: String, unit: String?, description: String?, ucd: String?, mask: String?) {
            self.name = name
            self.datatype = datatype
            self.unit = unit
            self.description = description
            self.ucd = ucd
            self.mask = mask
        }
    }

    /// The YAML lines for `columns`, with `tableMeta` as the table's `meta`.
    public static func lines(columns: [Column], tableMeta: [(String, String)]) -> [String] {
        var lines = ["datatype:"]
        for column in columns {
            var entry = "- {name: \(quoted(column.name))"
            if let unit = column.unit { entry += ", unit: \(quoted(unit))" }
            entry += ", datatype: \(column.datatype)"
            if let description = column.description { entry += ", description: \(quoted(description))" }
            if let ucd = column.ucd { entry += ", meta: {ucd: \(quoted(ucd))}" }
            lines.append(entry + "}")
            if let mask = column.mask {
                lines.append("- {name: \(quoted(mask)), datatype: bool}")
            }
        }
        lines.append("meta: !!omap")
        for (key, value) in tableMeta {
            lines.append("- \(quoted(key)): \(quoted(value))")
        }
        let masked = columns.filter { $0.mask != nil }
        if !masked.isEmpty {
            lines.append("- __serialized_columns__:")
            for column in masked {
                lines.append("    \(quoted(column.name)):")
                lines.append("      __class__: astropy.table.column.MaskedColumn")
                lines.append("      data: !astropy.table.SerializedColumn {name: \(quoted(column.name))}")
                lines.append("      mask: !astropy.table.SerializedColumn {name: \(quoted(column.mask!))}")
            }
        }
        return lines
    }

    /// A YAML scalar that reads back as exactly `text`: single-quoted when printable,
    /// double-quoted with escapes otherwise.
    public static func quoted(_ text: String) -> String {
        let printable = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && !(0x80 ..< 0xA0).contains($0.value) }
        if printable {
            // Quotes doubled by hand: Foundation's replacingOccurrences bridges to NSString,
            // 17M instructions per file for a table's column names and descriptions.
            guard text.utf8.contains(UInt8(ascii: "'")) else { return "'" + text + "'" }
            var bytes: [UInt8] = [UInt8(ascii: "'")]
            for byte in text.utf8 {
                bytes.append(byte)
                if byte == UInt8(ascii: "'") { bytes.append(byte) }
            }
            bytes.append(UInt8(ascii: "'"))
            return String(decoding: bytes, as: UTF8.self)
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80 ..< 0xA0).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
