import FinkExport
import FinkStandin
import Foundation
import SinkConformance
import Testing

extension InProcessHDF5 {
    @Suite("Upper limits: every format holds the extra rows of every object, value for value", .serialized)
    struct UpperLimitsTests {
        static let sinks = EveryFormat.sinks

        @Test("an export with upper limits equals the stand-in's dataset with its extra rows", arguments: EveryFormat.indices)
        func everyFormat(_ index: Int) async throws {
            let (format, file, reader) = Self.sinks[index]
            let harness = try StandinHarness(objects: 6, maxAlerts: 40)
            let scratch = try ScratchDirectory()
            let url = scratch.path(file)
            let query = FinkQuery(count: 6, withUpperLimits: true)
            let pipeline = try ExportPipeline(
                source: .api(.init(client: harness.client(), query: query, batchSize: 2, concurrency: 2)), tables: [.objects],
                mapper: try SchemaMapper(options: MappingOptions(withUpperLimits: true)),
                layout: try OutputLayout(path: url.path, formatName: nil, optionAssignments: [], tables: [.objects],
                                         registry: try SinkRegistry(Self.sinks.map(\.format))))
            let summary = try await pipeline.run()

            var ids: [String] = []
            for (object, _) in try harness.expectedAnomalies(count: 6) where !ids.contains(harness.dataset.objects[object].id) {
                ids.append(harness.dataset.objects[object].id)
            }
            let expected = harness.expectedObjects(ids: ids, batchSize: 2, withUpperLimits: true)
            var schema = EndToEndTests.expectedSchema(.objects, harness: harness)
            schema.fields.append(Field(name: "d:tag", sourceName: "d:tag", type: .string, role: .rowKind))
            let table = try #require(try reader.read(files: [url], schemas: [schema]).first)
            #expect(table.columns == schema.fields.map(\.name))
            #expect(table.rows.count == expected.count)

            // A value read as null passes only as far as the writer counted values it could not
            // hold (JSON's infinities, FITS's empty strings), as in the conformance kit.
            let reportedNulls = summary.provenance.table("objects")?.unrepresentableAsNull ?? [:]
            var cache: [Int: [StandinValue]] = [:]
            var mismatches = 0
            var nulled: [String: Int] = [:]
            for (row, (object, alert)) in zip(table.rows, expected) {
                for (position, field) in schema.fields.enumerated() {
                    let want = Self.asWritten(harness.expectedValue(field, object: object, alert: alert, row: &cache), field, format)
                    let got = Value(row[position])
                    guard got != want else { continue }
                    if got == .null && nulled[field.name, default: 0] < reportedNulls[field.name, default: 0] {
                        nulled[field.name, default: 0] += 1
                        continue
                    }
                    mismatches += 1
                    if mismatches <= 5 { Issue.record("\(file) object \(object) alert \(alert) \(field.name): got \(got), want \(want)") }
                }
            }
            #expect(mismatches == 0)

            // The summary and the provenance count rows per kind; the extra rows are there.
            let kinds = try #require(summary.tables.first?.rowsByKind)
            let extras = expected.filter { $0.alert < 0 }
            #expect(kinds["valid"] == expected.count - extras.count)
            #expect((kinds["upperlim"] ?? 0) + (kinds["badquality"] ?? 0) == extras.count)
            #expect((kinds["upperlim"] ?? 0) > 0)
            #expect(summary.provenance.table("objects")?.rowsByKind == kinds)
        }

        /// What the format holds of a value: VOTable stores Fink's 32-bit floats in 32 bits.
        static func asWritten(_ value: Value, _ field: Field, _ format: any SinkFormat) -> Value {
            guard case .real(let real) = value else { return value }
            if format.descriptor.name == "votable" && field.bitWidth == 32 { return .real(Double(Float(real))) }
            return value
        }
    }
}
