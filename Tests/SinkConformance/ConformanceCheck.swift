import FinkExport

/// One clause of the sink contract, runnable against any sink: it throws a
/// ``ConformanceFailure`` (or the error the sink threw) describing what broke.
package struct ConformanceCheck: Sendable, CustomStringConvertible {
    /// What the check verifies, in a few words.
    package let name: String
    private let body: @Sendable (SinkUnderTest) throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (SinkUnderTest) throws -> Void) {
        self.name = name
        self.body = body
    }

    package var description: String { name }

    /// Runs the check against `sink`.
    package func run(_ sink: SinkUnderTest) throws {
        try body(sink)
    }

    /// Runs the check against `format`, read back by `reader`, with `options` (`name=value`).
    package func run(format: any SinkFormat, reader: any SinkFileReader, options: [String] = []) throws {
        try body(SinkUnderTest(format, reader: reader, options: options))
    }
}

/// The sink contract as checks, each runnable on its own so tests can parameterize over
/// sinks × checks.
package enum SinkConformance {
    /// The checks that may run beside other tests, in the contract's order.
    package static let checks: [ConformanceCheck] = [
        .everyStorageKind, .emptyTable, .twoTables, .hostileColumnNames, .unicodeText, .largeIntegers,
        .signedZero, .nonFiniteReals, .callOrder, .options,
    ]

    /// The checks that lower the process's file-size limit: run them only when nothing else
    /// writes files, as ``ConformanceCheck/writeFailureEnabled`` says.
    package static let sizeLimitChecks: [ConformanceCheck] = [.writeFailure]
}
