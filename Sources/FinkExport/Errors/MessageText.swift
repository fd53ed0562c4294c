/// How a name from the data (a column name, an object id) appears in a one-line message: as is
/// when it is plain, and quoted with escapes when it holds control characters (a newline would
/// break the line), quotes, backslashes or surrounding spaces, so the reader sees exactly which
/// name is meant.
public enum MessageText {
    /// `name`, quoted and escaped when it is not plain.
    public static func shown(_ name: String) -> String {
        let plain = !name.isEmpty && name.first?.isWhitespace == false && name.last?.isWhitespace == false
            && !name.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "\"" || $0 == "\\" }
        return plain ? name : name.debugDescription
    }
}
