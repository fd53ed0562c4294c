import ArgumentParser
import FinkExport
import FinkStandin
import Foundation

/// Serves a seeded Fink-like dataset on a local port, for tests, demos and benchmarks.
@main
struct StandinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fink-standin",
        abstract: "A local stand-in for the Fink API's /api/v1/anomaly and /api/v1/objects endpoints.",
        discussion: """
        Serves a seeded, realistic dataset (light curves of tens to thousands of alerts per \
        object, every catalogue column, NaNs, missing bands, unicode, ids above 2^53) with the \
        real API's arguments, ordering and error answers. Fault switches make it misbehave on \
        purpose. Prints one line with the URL once it listens, then serves until stopped.
        """)

    @Option(help: "Address to listen on; only loopback addresses unless --allow-non-loopback.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port: UInt16 = 8080

    @Flag(help: "Allow listening on an address that is not loopback.")
    var allowNonLoopback = false

    @Option(help: "Number of objects in the dataset.")
    var objects = 40

    @Option(help: "Most alerts per object (light curves have between 10 and this many).")
    var maxAlerts = 2000

    @Option(help: "Seed of the dataset.")
    var seed: UInt64 = 20_230_125

    @Option(help: "Rows per object id the objects endpoint returns at most (the API's NLIMIT).")
    var rowLimit = FinkClient.defaultObjectRowLimit

    @Option(help: "Share of requests answered with HTTP 503 (0…1).")
    var serverErrors = 0.0

    @Option(help: "Share of responses cut off halfway through the body (0…1).")
    var cutBodies = 0.0

    @Option(help: "Share of connections closed without an answer (0…1).")
    var dropConnections = 0.0

    @Option(help: "Share of responses delayed by --slow-seconds (0…1).")
    var slowResponses = 0.0

    @Option(help: "Delay of a slow response, in seconds.")
    var slowSeconds = 0.5

    @Option(help: "Seed of the fault decisions.")
    var faultSeed: UInt64 = 1

    @Option(help: ArgumentHelp("Keep answers in this directory and serve repeated requests from it (benchmarks).",
                               valueName: "dir"))
    var cacheDir: String?

    @Option(help: ArgumentHelp("How /api/v1/schema answers: schema, unavailable (503), malformed or html.",
                               valueName: "schema|unavailable|malformed|html"))
    var schemaAnswer: String = "schema"

    @Option(help: ArgumentHelp("Add a column the catalogue lacks (d:late_score, in the schema) to the objects answers of objects from this index on.",
                               valueName: "index"))
    var lateColumnFrom: Int?

    func validate() throws {
        guard StandinSchema.Answer(rawValue: schemaAnswer) != nil else {
            throw ValidationError("--schema-answer takes schema, unavailable, malformed or html, not \"\(schemaAnswer)\"")
        }
        guard allowNonLoopback || host.hasPrefix("127.") || host == "localhost" else {
            throw ValidationError("\(host) is not a loopback address; pass --allow-non-loopback to listen there")
        }
        guard objects >= 1, maxAlerts >= 10 else { throw ValidationError("--objects must be at least 1 and --max-alerts at least 10") }
        for (name, share) in [("--server-errors", serverErrors), ("--cut-bodies", cutBodies),
                              ("--drop-connections", dropConnections), ("--slow-responses", slowResponses)] {
            guard (0 ... 1).contains(share) else { throw ValidationError("\(name) must be between 0 and 1") }
        }
        guard serverErrors + cutBodies + dropConnections <= 1 else {
            throw ValidationError("--server-errors, --cut-bodies and --drop-connections add up to more than 1")
        }
    }

    func run() throws {
        let dataset = StandinDataset(.init(seed: seed, objectCount: objects, maximumAlerts: maxAlerts))
        let schema = StandinSchema(answer: StandinSchema.Answer(rawValue: schemaAnswer) ?? .schema,
                                   lateColumn: lateColumnFrom.map { StandinSchema.LateColumn(objects: Set($0 ..< max($0, objects))) })
        let api = StandinAPI(dataset: dataset, rowLimit: rowLimit, schema: schema)
        let faults = FaultPlan(serverErrors: serverErrors, cutBodies: cutBodies, droppedConnections: dropConnections,
                               slowResponses: slowResponses, slowSeconds: slowSeconds, seed: faultSeed)
        let cache = try cacheDir.map { try ResponseCache(directory: URL(fileURLWithPath: $0)) }
        let server = LoopbackServer(host: host == "localhost" ? "127.0.0.1" : host, port: port, faults: faults) { request in
            guard let cache else { return ServedResponse(api.respond(to: request)) }
            return cache.answer(request) { api.respond(to: $0) }
        }
        let bound = try server.start()
        print("fink-standin listening on http://\(host):\(bound) (\(dataset.objects.count) objects, \(dataset.alertCount) alerts, \(dataset.anomalies.count) anomalies)")
        fflush(nil)
        while true { sleep(3600) }
    }
}
