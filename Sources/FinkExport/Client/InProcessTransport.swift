/// A transport that answers with a function instead of the network: for tests and for the
/// built-in sample data.
public struct InProcessTransport: Transport {
    private let respond: @Sendable (HTTPRequest) async throws -> HTTPResponse

    /// Creates a transport that answers every request with `respond`.
    public init(_ respond: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) {
        self.respond = respond
    }

    /// Answers `request` with the function.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await respond(request)
    }
}
