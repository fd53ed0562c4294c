import FinkExport

/// A sink configuration the checks run against: a format, the independent reader of its
/// files, and option assignments (`name=value`).
package struct SinkUnderTest: Sendable, CustomStringConvertible {
    package let format: any SinkFormat
    package let reader: any SinkFileReader
    package let options: [String]

    /// Creates a configuration.
    package init(_ format: any SinkFormat, reader: any SinkFileReader, options: [String] = []) {
        self.format = format
        self.reader = reader
        self.options = options
    }

    /// `csv`, or `votable encoding=tabledata`: how failures name the configuration.
    package var description: String {
        ([format.descriptor.name] + options).joined(separator: " ")
    }

    /// The options, checked.
    func checkedOptions() throws -> SinkOptions {
        let checked = try SinkOptions(options, specs: format.descriptor.options, format: format.descriptor.name)
        try format.validate(options: checked)
        return checked
    }

    /// Whether one file holds every table.
    var manyTablesPerFile: Bool {
        format.descriptor.capabilities.tablesPerFile == .many
    }
}

/// What a check found wrong, in words that name the sink, the table, the column and the row.
package struct ConformanceFailure: Error, CustomStringConvertible {
    package let description: String

    /// Creates a failure of `sink`.
    package init(_ sink: SinkUnderTest, _ message: String) {
        description = "[\(sink)] \(message)"
    }
}
