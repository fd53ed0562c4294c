import ArgumentParser
import FinkExport
import FinkStandin
import Foundation

/// `fink-export [export]`: the two-step export from the Fink API.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the most anomalous alerts and the light curves of their objects.",
        discussion: """
        Asks /api/v1/anomaly for the anomalous alerts, then /api/v1/objects for every alert of \
        the objects they name, in batches, and writes the anomalies and objects tables.

        Examples:
          fink-export --n 100 --start-date 2023-01-25 --stop-date 2023-05-22 --format csv --output out/
          fink-export --n 10 --columns i:objectId,i:jd,i:magpsf,d:anomaly_score --tables objects --output objects.jsonl
          fink-export --sample --format jsonl --output demo/
          fink-export --n 5000 --format hdf5 --output big.h5 --resume      # after an interruption
          fink-export --n 5000 --format parquet --output out/ --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT
        """)

    @Option(help: ArgumentHelp("Fink API base URL (or set FINK_API_URL).", valueName: "url"))
    var apiURL: String?

    @Option(name: .customLong("n"), help: "How many anomalous alerts to ask for.")
    var count = 10

    @Option(help: ArgumentHelp("First UTC day, YYYY-MM-DD[THH:MM:SS] (API default: 2019-11-01).", valueName: "date"))
    var startDate: String?

    @Option(help: ArgumentHelp("Last UTC day, included whole (API default: now).", valueName: "date"))
    var stopDate: String?

    @Option(help: ArgumentHelp("Comma-separated Fink columns to ask for (default: all; i:objectId is always kept).",
                               valueName: "list"))
    var columns: String?

    @Option(help: ArgumentHelp("Tables to write: anomalies, objects or both.", valueName: "list"))
    var tables = "anomalies,objects"

    @Option(help: ArgumentHelp("Export only shard K of N (0 ≤ K < N): the rows of the objects whose i:objectId hashes to K.",
                               discussion: "Each shard's files are named with it (objects.shard-2-of-8.parquet); the N shards together hold the unsharded export, each row once.",
                               valueName: "K/N"))
    var shard: String?

    @Option(help: "Object ids per objects request.")
    var batchSize = 10

    @Option(help: "Objects requests in flight at once.")
    var concurrency = 4

    @Option(help: "Retries of a failed request (connection errors, timeouts, cut bodies, 429, 5xx).")
    var retries = 5

    @Option(help: ArgumentHelp("Seconds allowed for one request.", valueName: "seconds"))
    var timeout = 300.0

    @Flag(help: "Export the built-in sample dataset instead of asking the API (no network needed).")
    var sample = false

    @Flag(help: ArgumentHelp("Also export each object's upper limits and bad-quality points (the objects endpoint's withupperlim).",
                             discussion: "The objects table then ends with d:tag: valid, upperlim (a non-detection: i:jd, i:fid, i:diffmaglim) or badquality; those extra rows have i:candid -1 and nulls elsewhere."))
    var withUpperLimits = false

    @Flag(help: ArgumentHelp("Continue an interrupted export: run the same command with --resume, and the answers it had received are read from disk instead of asked again.",
                             discussion: "An export keeps the API's answers in a hidden directory beside its first output (.<name>.resume/) until it succeeds."))
    var resume = false

    @Flag(inversion: .prefixedNo,
          help: ArgumentHelp("Keep the API's answers on disk until the export succeeds, so --resume can continue it (as much disk as the API's JSON).",
                             discussion: "--no-keep-answers saves that disk; an interrupted export then starts over."))
    var keepAnswers = true

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1 ... 1000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 1000") }
        guard (1 ... 64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
        guard (0 ... 20).contains(retries) else { throw ValidationError("--retries must be between 0 and 20") }
        guard timeout > 0 && timeout <= 86_400 else { throw ValidationError("--timeout must be between 0 and 86400 seconds") }
        if sample && apiURL != nil { throw ValidationError("--sample serves built-in data; drop --api-url") }
        _ = try parsedShard()
        _ = try parseTables(tables)
        if !sample { _ = try baseURL() }
        do {
            try query().validate()
            _ = try SchemaMapper(options: output.mappingOptions(columns: requestedColumns(), withUpperLimits: withUpperLimits))
        } catch let error as QueryError {
            throw ValidationError(Messages.text(error))
        } catch let error as MappingError {
            throw ValidationError(Messages.text(error))
        }
    }

    func run() async throws {
        try await runPipeline(quiet: output.quiet) {
            let client = FinkClient(baseURL: try sample ? Self.sampleURL : baseURL(), transport: transport(),
                                    retryPolicy: RetryPolicy(retries: retries), timeout: timeout)
            let label = sample ? "built-in sample data (fink-standin, seed \(StandinDataset.Configuration().seed))" : nil
            let source = ExportSource.APISource(client: client, query: query(), batchSize: batchSize,
                                                concurrency: concurrency, label: label, shard: try parsedShard())
            return try output.pipeline(source: .api(source), tables: try parseTables(tables), columns: requestedColumns(),
                                       withUpperLimits: withUpperLimits,
                                       resume: resume, keepAnswers: keepAnswers)
        }
    }

    static let sampleURL = URL(string: "http://sample.fink-standin.invalid")!

    /// The network, or the stand-in answering in-process for --sample.
    private func transport() -> any Transport {
        Self.transport(sample: sample)
    }

    /// The network, or (`sample`) the stand-in answering in-process.
    static func transport(sample: Bool) -> any Transport {
        guard sample else { return CurlTransport() }
        let api = StandinAPI(dataset: StandinDataset())
        return InProcessTransport { api.respond(to: $0) }
    }

    /// `--shard K/N`, checked.
    private func parsedShard() throws -> Shard? {
        guard let shard else { return nil }
        let parts = shard.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ValidationError("--shard takes K/N, such as 0/4 (shard K of N, counted from 0), not \"\(shard)\"")
        }
        guard count >= 1, count <= 1_000_000 else { throw ValidationError("--shard \(shard): N must be between 1 and 1000000") }
        guard let parsed = Shard(index: index, count: count) else {
            throw ValidationError("--shard \(shard): K must be between 0 and \(count - 1) (shards are counted from 0)")
        }
        return parsed
    }

    private func requestedColumns() -> [String]? {
        columns.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    private func query() -> FinkQuery {
        FinkQuery(count: count, startDate: startDate, stopDate: stopDate, withUpperLimits: withUpperLimits)
    }

    private func baseURL() throws -> URL {
        try Self.baseURL(apiURL)
    }

    /// `--api-url`, else `FINK_API_URL`, else the public API; it must be an http(s) URL.
    static func baseURL(_ apiURL: String?) throws -> URL {
        let text = apiURL ?? ProcessInfo.processInfo.environment["FINK_API_URL"] ?? FinkClient.defaultBaseURL.absoluteString
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host != nil else {
            throw ValidationError("the API URL \"\(text)\" is not an http(s) URL")
        }
        return url
    }
}
