import FinkExport

/// A VOTable `FIELD` element for a column: its name, an optional `ID`, the datatype, a
/// variable `arraysize` for text, and the field's unit, UCD and description from the schema.
/// The VOTable sink writes these before its data; the Parquet sink's VOParquet metadata is a
/// VOTable of them alone.
public enum VOTableField {
    /// The element, on one line with its newline.
    public static func element(for field: Field, datatype: String, isText: Bool, id: String? = nil) -> String {
        var xml = "<FIELD name=\"\(XMLText.attribute(field.name))\""
        if let id { xml += " ID=\"\(id)\"" }
        xml += " datatype=\"\(datatype)\""
        if isText { xml += " arraysize=\"*\"" }
        if let unit = field.unit { xml += " unit=\"\(XMLText.attribute(unit))\"" }
        if let ucd = field.ucd { xml += " ucd=\"\(XMLText.attribute(ucd))\"" }
        xml += ">"
        if let description = field.description { xml += "<DESCRIPTION>\(XMLText.content(description))</DESCRIPTION>" }
        return xml + "</FIELD>\n"
    }
}
