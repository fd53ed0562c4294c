import Foundation

/// Real HTTP(S) through libcurl.
///
/// Bodies are received whole: the export bounds their size through the objects batch size
/// and the number of requests in flight. Each request runs on a thread of its own (libcurl
/// blocks), with a connection from a pool, so the Swift tasks that wait never block a core.
///
/// URLSession, used before, hands each 16 KB chunk through a dispatch queue, grows the body as it
/// arrives and copies it whole once more at the end: measured at 100k rows, a fifth of the
/// export's CPU time went to the transport. Here a body is written once, into a buffer of its
/// announced length.
public final class CurlTransport: Transport {
    private let pool = ConnectionPool()
    /// The memory of large bodies, reused from answer to answer.
    private let bodies = BodyMappingPool()

    /// Creates a transport with its own connections.
    public init() {}

    /// Sends `request` over the network.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let cancellation = CancellationFlag()
        let (pool, bodies) = (self.pool, self.bodies)
        let response = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                Thread.detachNewThread {
                    continuation.resume(with: Result {
                        let connection = try pool.take()
                        defer { pool.giveBack(connection) }
                        return try connection.perform(request, bodies: bodies, cancellation: cancellation)
                    })
                }
            }
        } onCancel: {
            cancellation.raise()
        }
        // A short body with an announced length is an error even where libcurl let it pass.
        if let announced = response.header("content-length").flatMap(Int.init), announced != response.body.count,
           response.header("content-encoding") == nil {
            throw TransportError.truncatedBody(received: response.body.count, expected: announced)
        }
        return response
    }
}

/// Idle connections, reused so that consecutive requests to one host keep their TCP and TLS
/// sessions.
private final class ConnectionPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [CurlConnection] = []
    private let idleLimit = 16

    func take() throws -> CurlConnection {
        if let connection = lock.withLock({ idle.popLast() }) { return connection }
        return try CurlConnection()
    }

    func giveBack(_ connection: CurlConnection) {
        lock.withLock {
            if idle.count < idleLimit { idle.append(connection) }
        }
    }
}
