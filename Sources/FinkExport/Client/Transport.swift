import Foundation

/// Sends one HTTP request and returns its complete response.
///
/// The Fink client talks HTTP only through this, so tests and the built-in sample data can answer
/// in-process while real exports use the network.
public protocol Transport: Sendable {
    /// Sends `request`; throws ``TransportError`` when no complete response arrived.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// A request that produced no usable response.
public enum TransportError: Error, Equatable, CustomStringConvertible {
    /// The connection failed or was dropped (retryable).
    case connection(String)
    /// No complete response within the timeout (retryable).
    case timedOut(seconds: Double)
    /// The body ended before its announced length (retryable).
    case truncatedBody(received: Int, expected: Int)

    /// One line for the user.
    public var description: String {
        switch self {
        case .connection(let reason): return "connection failed: \(reason)"
        case .timedOut(let seconds): return "no complete response within \(formatSeconds(seconds)) s"
        case .truncatedBody(let received, let expected):
            return "the response body was cut off (\(received) of \(expected) bytes)"
        }
    }
}

func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
}
