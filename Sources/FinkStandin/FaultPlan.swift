/// Faults the stand-in server injects, each decided per request from a seed so a run can be
/// repeated.
public struct FaultPlan: Sendable, Equatable {
    /// Share of requests answered 503 (some with `Retry-After: 0`).
    public var serverErrors: Double
    /// Share of responses whose body is cut off halfway (the announced length is kept).
    public var cutBodies: Double
    /// Share of connections closed without any answer.
    public var droppedConnections: Double
    /// Share of responses delayed by ``slowSeconds``.
    public var slowResponses: Double
    /// The delay of a slow response.
    public var slowSeconds: Double
    /// The seed of the per-request decisions.
    public var seed: UInt64

    /// Creates a plan; the default injects nothing.
    public init(serverErrors: Double = 0, cutBodies: Double = 0, droppedConnections: Double = 0,
                slowResponses: Double = 0, slowSeconds: Double = 0.5, seed: UInt64 = 1) {
        self.serverErrors = serverErrors
        self.cutBodies = cutBodies
        self.droppedConnections = droppedConnections
        self.slowResponses = slowResponses
        self.slowSeconds = slowSeconds
        self.seed = seed
    }

    /// What happens to one request.
    public enum Fault: Sendable, Equatable {
        case none
        case serverError(retryAfter: Bool)
        case cutBody
        case drop
    }

    /// The fault for request number `index`, and whether it is delayed.
    public func decide(request index: UInt64) -> (fault: Fault, slow: Bool) {
        var rng = SplitMix64(seed: seed, 4, index)
        let roll = rng.unit()
        let slow = rng.chance(slowResponses)
        if roll < serverErrors { return (.serverError(retryAfter: rng.chance(0.3)), slow) }
        if roll < serverErrors + cutBodies { return (.cutBody, slow) }
        if roll < serverErrors + cutBodies + droppedConnections { return (.drop, slow) }
        return (.none, slow)
    }
}
