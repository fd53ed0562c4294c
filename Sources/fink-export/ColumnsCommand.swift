import ArgumentParser
import FinkExport

/// `fink-export columns`: the column catalogue compiled into the tool, or (`--check`) how it
/// differs from the API's live schema.
struct ColumnsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "columns", abstract: "List the Fink column catalogue: name, type, unit, description.",
        discussion: """
            With --check, compares the catalogue with the API's own schema (GET /api/v1/schema) and \
            prints the columns added, removed or retyped there. Exit 0 when they agree, \
            \(ColumnsCommand.differExitCode) when they differ, 69 when the schema cannot be fetched, \
            65 when its answer is not a schema.
            """)

    /// The exit code of `--check` when the catalogue and the live schema differ (as diff(1)).
    static let differExitCode: Int32 = 1

    @Flag(help: "Also list the 26 light-curve features each d:lc_features_<band> column expands into.")
    var features = false

    @Flag(help: "Compare the catalogue with the API's live schema instead of listing it.")
    var check = false

    @Option(help: ArgumentHelp("Fink API base URL for --check (default: $FINK_API_URL, else the public API).", valueName: "url"))
    var apiURL: String?

    @Flag(help: "Check against the built-in sample API (no network needed).")
    var sample = false

    @Option(help: "Retries of a failed schema request.")
    var retries = 5

    func validate() throws {
        if (sample || apiURL != nil) && !check { throw ValidationError("--api-url and --sample go with --check") }
        if sample && apiURL != nil { throw ValidationError("--sample serves built-in data; drop --api-url") }
        if !sample { _ = try ExportCommand.baseURL(apiURL) }
    }

    func run() async throws {
        guard check else { return list() }
        do {
            try await checkAgainstLiveSchema()
        } catch let code as ExitCode {
            throw code
        } catch {
            let (code, message) = ExitCodes.classify(error)
            Terminal(quiet: false).error(message)
            throw ExitCode(code)
        }
    }

    private func checkAgainstLiveSchema() async throws {
        let client = FinkClient(baseURL: sample ? ExportCommand.sampleURL : try ExportCommand.baseURL(apiURL),
                                transport: ExportCommand.transport(sample: sample), retryPolicy: RetryPolicy(retries: retries), timeout: 60)
        let answer = try await client.fetchSchema()
        let live: LiveSchema
        do {
            live = try LiveSchema(json: answer.body)
        } catch let error as LiveSchema.FormatError {
            throw SchemaCheckFailure(url: answer.request.url, reason: error.description)
        }
        let catalogue = ColumnCatalogue.builtin
        let difference = catalogue.difference(from: live)
        print("catalogue \(catalogue.version) (\(catalogue.columns.count) columns) against \(answer.request.url) (\(live.columns.count) columns)")
        for name in difference.added {
            let column = live.columns.first { $0.name == name }
            print("added    \(name)  \(column?.typeText ?? "?")  \(column?.doc ?? "")")
        }
        for name in difference.removed { print("removed  \(name)") }
        for change in difference.retyped { print("retyped  \(change.name)  \(change.catalogue.rawValue) -> \(change.live)") }
        guard difference.isEmpty else {
            print("differ: \(difference.added.count) added, \(difference.removed.count) removed, \(difference.retyped.count) retyped")
            throw ExitCode(Self.differExitCode)
        }
        print("agree")
    }

    private func list() {
        let catalogue = ColumnCatalogue.builtin
        let nameWidth = catalogue.columns.map(\.name.count).max() ?? 0
        print("Fink column catalogue, schema version \(catalogue.version): \(catalogue.columns.count) columns")
        print("\("name".padding(toLength: nameWidth, withPad: " ", startingAt: 0))  type    unit     description")
        for column in catalogue.columns {
            let name = column.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            let type = column.type.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
            let unit = (column.unit ?? "-").padding(toLength: 7, withPad: " ", startingAt: 0)
            let expands = column.expandsFeatures ? " [expands to \(catalogue.features.count) columns \(column.name)_<feature>]" : ""
            print("\(name)  \(type)  \(unit)  \(column.description)\(expands)")
        }
        if features {
            print("")
            print("Light-curve features, in the order the API packs them:")
            for (index, feature) in catalogue.features.enumerated() {
                print("\(String(index + 1).padding(toLength: 3, withPad: " ", startingAt: 0)) \(feature.name.padding(toLength: 34, withPad: " ", startingAt: 0)) \((feature.unit ?? "-").padding(toLength: 6, withPad: " ", startingAt: 0)) \(feature.description)")
            }
        }
    }
}

/// The schema answer is not a schema: a data error (exit 65).
struct SchemaCheckFailure: Error, CustomStringConvertible {
    let url: String
    let reason: String
    var description: String { "\(url): \(reason)" }
}
