import CFinkExportSink
import Glibc

/// Key/value pairs as C strings for one call: `FinkExportSinkKeyValue`s pointing at copies that
/// live until the call returns.
enum CKeyValues {
    static func with<R>(_ pairs: [(key: String, value: String)],
                        _ body: (UnsafePointer<FinkExportSinkKeyValue>?, Int64) throws -> R) rethrows -> R {
        var copies: [UnsafeMutablePointer<CChar>] = []
        defer { for copy in copies { free(copy) } }
        let entries = pairs.map { pair -> FinkExportSinkKeyValue in
            // A NUL cannot cross in a C string: it is written out as the text \u0000.
            let key = strdup(pair.key.replacingNUL())!, value = strdup(pair.value.replacingNUL())!
            copies.append(key)
            copies.append(value)
            return FinkExportSinkKeyValue(key: key, value: value)
        }
        return try entries.withUnsafeBufferPointer { try body($0.baseAddress, Int64($0.count)) }
    }
}

extension String {
    /// The text with each NUL written as the six characters `\u0000`.
    func replacingNUL() -> String {
        contains("\u{0}") ? split(separator: "\u{0}", omittingEmptySubsequences: false).joined(separator: "\\u0000") : self
    }
}
