import FinkExport
import Foundation
@testable import PluginSink
import SinkConformance
import Testing

/// Plugins as their authors and users meet them: built with `cc` outside the package, found
/// through FINK_EXPORT_PLUGIN_PATH, listed by `fink-export formats`, exporting like a built-in
/// sink; broken ones costing one warning line each; failures and Arrow ownership.
@Suite("Sink plugins loaded at run time")
struct PluginTests {
    /// The template plugin of Plugins/Template, compiled as the README says.
    @discardableResult
    static func template(in directory: URL) throws -> URL {
        try Plugins.compile(file: Plugins.packageRoot.appendingPathComponent("Plugins/Template/template_sink.c"),
                            name: "template", into: directory)
    }

    /// Tab-separated text as the template writes it: fields, with \\, \t, \n, \r unescaped;
    /// \N is nil.
    static func parseTSV(_ text: String) -> [[String?]] {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map { field -> String? in
                guard field != "\\N" else { return nil }
                var out = "", escaping = false
                for character in field {
                    if escaping {
                        out.append(["t": "\t", "n": "\n", "r": "\r"][character] ?? character)
                        escaping = false
                    } else if character == "\\" {
                        escaping = true
                    } else {
                        out.append(character)
                    }
                }
                return out
            }
        }
    }

    @Test("a plugin compiled with cc outside the package is listed, chosen by its extension, and exports every value")
    func templateExportsTheSample() throws {
        let plugins = try ScratchDirectory(), output = try ScratchDirectory()
        let library = try Self.template(in: plugins.url)
        let environment = ["FINK_EXPORT_PLUGIN_PATH": "/nonexistent:\(plugins.url.path)"]

        let formats = try CLI.run(["formats"], environment: environment)
        #expect(formats.status == 0)
        #expect(formats.stderr.isEmpty, "no warning for a good plugin: \(formats.stderr)")
        #expect(formats.stdout.contains("template-tsv  Tab-separated text (template plugin)\n  plugin:      \(library.path)\n  extensions:  .tsv"))
        #expect(formats.stdout.contains("header  bool, default true: start with a line of column names"))

        // No --format: the .tsv extension picks the plugin, as it picks a built-in sink.
        let tsv = output.path("objects.tsv"), csv = output.path("objects.csv")
        let exported = try CLI.run(["--sample", "--tables", "objects", "--quiet", "-o", tsv.path], environment: environment)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try CLI.run(["--sample", "--tables", "objects", "--quiet", "-o", csv.path]).status == 0)

        let tsvRows = Self.parseTSV(try String(contentsOf: tsv, encoding: .utf8))
        let csvRows = CSVTestReader.parse(try String(contentsOf: csv, encoding: .utf8))
        #expect(tsvRows.count == csvRows.count && tsvRows.count > 1000)
        #expect(tsvRows.first == csvRows.first, "the same column names")
        var differences: [String] = []
        for (row, (a, b)) in zip(tsvRows, csvRows).enumerated().dropFirst() {
            for (column, (x, y)) in zip(a, b).enumerated() where x != y {
                // Reals: %.17g against the shortest round trip; the same double either way.
                if let x, let y, let u = Double(x), let v = Double(y), u.bitPattern == v.bitPattern { continue }
                differences.append("row \(row) column \(csvRows[0][column] ?? ""): tsv \(x ?? "null"), csv \(y ?? "null")")
            }
        }
        let count = differences.count
        #expect(count == 0, "\(differences.prefix(5))")
    }

    /// Sources of broken plugins: the file's suffix, and the reason its warning must give.
    static let broken: [(name: String, source: String?, reason: String)] = [
        ("garbage", nil, "not a loadable shared library"),
        ("noentry", "int unrelated(void) { return 1; }\n", "it exports no fink_export_sink_init"),
        ("future", """
            #include "fink_export_sink.h"
            int32_t fink_export_sink_init(uint32_t host, struct FinkExportSinkDescription* d, struct FinkExportSinkError* e) {
              d->abi_version = 2003000u; d->struct_size = sizeof *d;
              if (host < 2003000u) return fink_export_sink_set_error(e, FINK_EXPORT_SINK_ERROR_ABI_VERSION, "needs ABI 2.3");
              return FINK_EXPORT_SINK_OK;
            }
            """, "built for sink ABI 2.3, newer than this fink-export's 1.0"),
        ("initfails", """
            #include "fink_export_sink.h"
            int32_t fink_export_sink_init(uint32_t host, struct FinkExportSinkDescription* d, struct FinkExportSinkError* e) {
              (void)host; d->abi_version = FINK_EXPORT_SINK_ABI_VERSION; d->struct_size = sizeof *d;
              return fink_export_sink_set_error(e, FINK_EXPORT_SINK_ERROR_OUTPUT, "no licence file in %s", "/etc/nowhere");
            }
            """, "fink_export_sink_init failed: no licence file in /etc/nowhere"),
        ("tiny", """
            #include "fink_export_sink.h"
            int32_t fink_export_sink_init(uint32_t host, struct FinkExportSinkDescription* d, struct FinkExportSinkError* e) {
              (void)host; (void)e; d->abi_version = FINK_EXPORT_SINK_ABI_VERSION; d->struct_size = 16;
              return FINK_EXPORT_SINK_OK;
            }
            """, "its description is 16 bytes, less than the"),
        ("csvclash", Self.describing(name: "csv", extensions: "\"tab\""), "a format named csv is already registered"),
        ("extclash", Self.describing(name: "other", extensions: "\"parquet\""), "the extension .parquet is claimed by both parquet and other"),
    ]

    /// A plugin whose description is complete but whose callbacks all fail.
    static func describing(name: String, extensions: String) -> String {
        """
        #include "fink_export_sink.h"
        static const char* const extensions[] = {\(extensions), NULL};
        static int32_t no_open(const struct FinkExportSinkOpenArgs* a, void** w, struct FinkExportSinkError* e) { (void)w; (void)a; return fink_export_sink_set_error(e, 3, "unused"); }
        static int32_t no_begin(void* w, struct ArrowSchema* s, struct FinkExportSinkError* e) { (void)w; s->release(s); return fink_export_sink_set_error(e, 3, "unused"); }
        static int32_t no_write(void* w, struct ArrowArray* b, struct FinkExportSinkError* e) { (void)w; b->release(b); return fink_export_sink_set_error(e, 3, "unused"); }
        static int32_t no_end(void* w, struct FinkExportSinkTableReport* r, struct FinkExportSinkError* e) { (void)w; (void)r; return fink_export_sink_set_error(e, 3, "unused"); }
        static int32_t no_finish(void* w, const struct FinkExportSinkKeyValue* p, int64_t n, struct FinkExportSinkError* e) { (void)w; (void)p; (void)n; return fink_export_sink_set_error(e, 3, "unused"); }
        static void no_destroy(void* w) { (void)w; }
        int32_t fink_export_sink_init(uint32_t host, struct FinkExportSinkDescription* d, struct FinkExportSinkError* e) {
          (void)host; (void)e; d->abi_version = FINK_EXPORT_SINK_ABI_VERSION; d->struct_size = sizeof *d;
          d->name = "\(name)"; d->title = "a clash"; d->extensions = extensions; d->tables_per_file = 1;
          d->open = no_open; d->begin_table = no_begin; d->write_batch = no_write; d->end_table = no_end;
          d->finish = no_finish; d->destroy = no_destroy;
          return FINK_EXPORT_SINK_OK;
        }
        """
    }

    @Test("each broken plugin is one warning line naming its file and why; every other format still works")
    func brokenPlugins() throws {
        let plugins = try ScratchDirectory(), output = try ScratchDirectory()
        try Self.template(in: plugins.url)
        var paths: [String: String] = [:]
        for plugin in Self.broken {
            if let source = plugin.source {
                paths[plugin.name] = try Plugins.compile(source: source, name: plugin.name, into: plugins.url).path
            } else {
                let path = plugins.path("libfink-export-sink-\(plugin.name).so")
                try Data("this is not an ELF file\n".utf8).write(to: path)
                paths[plugin.name] = path.path
            }
        }
        let environment = ["FINK_EXPORT_PLUGIN_PATH": plugins.url.path]
        let formats = try CLI.run(["formats"], environment: environment)
        #expect(formats.status == 0)
        let warnings = formats.stderr.split(separator: "\n").map(String.init)
        #expect(warnings.count == Self.broken.count, "\(warnings)")
        for plugin in Self.broken {
            let line = warnings.first { $0.contains(paths[plugin.name]!) }
            #expect(line?.hasPrefix("fink-export: warning: plugin \(paths[plugin.name]!) not loaded: ") == true, "\(plugin.name): \(warnings)")
            #expect(line?.contains(plugin.reason) == true, "\(plugin.name): \(line ?? "no warning")")
        }
        for name in ["csv", "jsonl", "sqlite", "hdf5", "votable", "parquet", "fits", "template-tsv"] {
            #expect(formats.stdout.contains("\n\(name)  ") || formats.stdout.hasPrefix("\(name)  "), "\(name) is still listed")
        }
        let csv = try CLI.run(["--sample", "--quiet", "--format", "csv", "-o", output.path("out").path + "/"], environment: environment)
        #expect(csv.status == 0)
        let tsv = try CLI.run(["--sample", "--quiet", "--tables", "anomalies", "-o", output.path("a.tsv").path], environment: environment)
        #expect(tsv.status == 0)
        #expect(FileManager.default.fileExists(atPath: output.path("a.tsv").path))
    }

    /// A plugin that writes part of its file, then fails where its `fail-in` option says, with
    /// the status that goes with it.
    static let failing = """
        #include "fink_export_sink.h"
        #include <stdlib.h>
        static const char* const extensions[] = {"fail", NULL};
        static const char* const places[] = {"begin", "write", "finish", NULL};
        static const struct FinkExportSinkOption options[] = {
          {.name = "fail-in", .kind = FINK_EXPORT_SINK_OPTION_CHOICE, .choices = places, .default_value = "write", .help = "where to fail"},
        };
        struct w { FILE* f; char place[16]; };
        static int32_t f_open(const struct FinkExportSinkOpenArgs* a, void** out, struct FinkExportSinkError* e) {
          struct w* w = calloc(1, sizeof *w); *out = w;
          snprintf(w->place, sizeof w->place, "%s", fink_export_sink_lookup(a->options, a->option_count, "fail-in"));
          FILE* scratch = fopen("/dev/null", "w"); if (scratch) fclose(scratch);
          char path[4096]; snprintf(path, sizeof path, "%s/leftover", a->scratch_directory);
          FILE* s = fopen(path, "w"); if (s) { fputs("scratch", s); fclose(s); }
          w->f = fopen(a->staging_path, "w");
          if (!w->f) return fink_export_sink_set_error(e, FINK_EXPORT_SINK_ERROR_OUTPUT, "cannot create");
          fputs("partial output", w->f); fflush(w->f);
          return 0;
        }
        static int32_t f_begin(void* p, struct ArrowSchema* s, struct FinkExportSinkError* e) {
          struct w* w = p; s->release(s);
          if (!strcmp(w->place, "begin")) return fink_export_sink_set_error(e, FINK_EXPORT_SINK_ERROR_USAGE, "this format refuses every table");
          return 0;
        }
        static int32_t f_write(void* p, struct ArrowArray* b, struct FinkExportSinkError* e) {
          struct w* w = p; b->release(b);
          if (!strcmp(w->place, "write")) return fink_export_sink_set_error(e, FINK_EXPORT_SINK_ERROR_OUTPUT, "the disk is on fire");
          return 0;
        }
        static int32_t f_end(void* p, struct FinkExportSinkTableReport* r, struct FinkExportSinkError* e) { (void)p; (void)r; (void)e; return 0; }
        static int32_t f_finish(void* p, const struct FinkExportSinkKeyValue* kv, int64_t n, struct FinkExportSinkError* e) {
          struct w* w = p; (void)kv; (void)n;
          if (!strcmp(w->place, "finish")) return fink_export_sink_set_error(e, FINK_EXPORT_SINK_ERROR_DATA, "a value it cannot hold");
          fclose(w->f); w->f = NULL; return 0;
        }
        static void f_destroy(void* p) { struct w* w = p; if (w->f) fclose(w->f); free(w); }
        int32_t fink_export_sink_init(uint32_t host, struct FinkExportSinkDescription* d, struct FinkExportSinkError* e) {
          (void)host; (void)e; d->abi_version = FINK_EXPORT_SINK_ABI_VERSION; d->struct_size = sizeof *d;
          d->name = "failing"; d->title = "fails on purpose"; d->extensions = extensions; d->tables_per_file = 0;
          d->options = options; d->option_count = 1;
          d->open = f_open; d->begin_table = f_begin; d->write_batch = f_write; d->end_table = f_end;
          d->finish = f_finish; d->destroy = f_destroy;
          return 0;
        }
        """

    @Test("a plugin failing during an export is an ordinary error: its status's exit code, its message, and nothing left",
          arguments: [("begin", Int32(64), "this format refuses every table"), ("write", Int32(73), "the disk is on fire"),
                      ("finish", Int32(65), "a value it cannot hold")])
    func failureDuringExport(place: String, status: Int32, message: String) throws {
        let plugins = try ScratchDirectory(), output = try ScratchDirectory()
        try Plugins.compile(source: Self.failing, name: "failing", into: plugins.url)
        let target = output.path("export.fail")
        let result = try CLI.run(["--sample", "-o", target.path, "--option", "fail-in=\(place)"],
                                 environment: ["FINK_EXPORT_PLUGIN_PATH": plugins.url.path])
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains("fink-export: error: \(target.path): \(message) (the failing plugin)"), "\(result.stderr)")
        // Neither the final file, nor the staged one, nor the scratch directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.url.path).filter { !$0.hasPrefix(".export.fail.resume") } == [])
    }

    /// Writes two tables through `format` in-process and returns the writer's Arrow ledger.
    static func writeThrough(_ format: PluginFormat, in directory: ScratchDirectory) throws -> ArrowExportLedger {
        let schema = TableSchema(name: "rows", fields: [
            Field(name: "id", sourceName: "id", type: .long), Field(name: "x", sourceName: "x", type: .double, unit: "mag"),
            Field(name: "ok", sourceName: "ok", type: .bool), Field(name: "label", sourceName: "label", type: .string),
        ])
        let batch = RecordBatch(schema: schema, columns: [
            Column(values: .integer([1, 2, 3])), Column(values: .real([0.5, .nan, 2]), validity: [true, false, true]),
            Column(values: .boolean([true, false, true])), Column(values: .text(TextColumn(["a", "b", "c"]))),
        ], rowCount: 3)
        let staging = OutputStaging(overwrite: false)
        let options = try SinkOptions([], specs: format.descriptor.options, format: format.descriptor.name)
        let writer = try format.makeWriter(destination: try staging.destination(for: directory.path("out.\(format.fileExtension(options: options))")),
                                           options: options)
        defer { writer.close() }
        try writer.beginTable(schema)
        try writer.write(batch)
        try writer.write(batch)
        _ = try writer.endTable()
        try writer.finish(provenance: Provenance(source: "test", exportedAt: "2026-12-01T00:00:00Z"))
        writer.close()
        try staging.commit()
        return try #require((writer as? PluginTableWriter)?.ledger)
    }

    @Test("every schema and batch handed to a plugin is released once, by the plugin; one it leaves is reclaimed and counted")
    func arrowOwnership() throws {
        let directory = try ScratchDirectory()
        let fits = try Self.writeThrough(Plugins.fits, in: directory)
        // A schema of 4 columns (5 structures) and two batches of 4 columns (5 each).
        #expect(fits.exports == 15)
        #expect(fits.outstanding == 0 && fits.abandonedByPlugin == 0)

        let template = try Self.writeThrough(try PluginFormat(path: Self.template(in: directory.url).path), in: try ScratchDirectory())
        #expect(template.exports == 15 && template.outstanding == 0 && template.abandonedByPlugin == 0)

        // A plugin that never calls release: the host releases what it left, and says so.
        let leaky = """
            #include "fink_export_sink.h"
            static const char* const extensions[] = {"leak", NULL};
            static int32_t l_open(const struct FinkExportSinkOpenArgs* a, void** w, struct FinkExportSinkError* e) {
              (void)e; FILE* f = fopen(a->staging_path, "w"); if (f) fclose(f); *w = (void*)1; return 0;
            }
            static int32_t l_begin(void* w, struct ArrowSchema* s, struct FinkExportSinkError* e) { (void)w; (void)s; (void)e; return 0; }
            static int32_t l_write(void* w, struct ArrowArray* b, struct FinkExportSinkError* e) { (void)w; (void)b; (void)e; return 0; }
            static int32_t l_end(void* w, struct FinkExportSinkTableReport* r, struct FinkExportSinkError* e) { (void)w; (void)r; (void)e; return 0; }
            static int32_t l_finish(void* w, const struct FinkExportSinkKeyValue* p, int64_t n, struct FinkExportSinkError* e) {
              (void)w; (void)p; (void)n; (void)e; return 0;
            }
            static void l_destroy(void* w) { (void)w; }
            int32_t fink_export_sink_init(uint32_t host, struct FinkExportSinkDescription* d, struct FinkExportSinkError* e) {
              (void)host; (void)e; d->abi_version = FINK_EXPORT_SINK_ABI_VERSION; d->struct_size = sizeof *d;
              d->name = "leaky"; d->title = "never releases"; d->extensions = extensions; d->tables_per_file = 1;
              d->open = l_open; d->begin_table = l_begin; d->write_batch = l_write; d->end_table = l_end;
              d->finish = l_finish; d->destroy = l_destroy;
              return 0;
            }
            """
        let leakyFormat = try PluginFormat(path: Plugins.compile(source: leaky, name: "leaky", into: directory.url).path)
        let reclaimed = try Self.writeThrough(leakyFormat, in: try ScratchDirectory())
        #expect(reclaimed.abandonedByPlugin == 3 && reclaimed.outstanding == 0)
    }

    @Test("the README's format table lists exactly the formats and extensions `fink-export formats` lists, the FITS plugin included")
    func readmeAgreesWithFormats() throws {
        let readme = try String(contentsOf: Plugins.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "### Formats\n").dropFirst().first)
        var documented: [String: Set<String>] = [:]
        for line in section.split(separator: "\n").prefix(while: { !$0.hasPrefix("For CSV") }) where line.hasPrefix("| `") {
            let cells = line.split(separator: "|")
            let first = String(cells[0])
            let ticked = first.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            documented[ticked[0]] = Set(ticked.dropFirst().filter { $0.hasPrefix(".") })
        }
        // The built formats only: no FINK_EXPORT_PLUGIN_PATH.
        let formats = try CLI.run(["formats"], environment: ["FINK_EXPORT_PLUGIN_PATH": ""])
        #expect(formats.status == 0 && formats.stderr.isEmpty, "\(formats.stderr)")
        var listed: [String: Set<String>] = [:]
        var current: String?
        for line in formats.stdout.split(separator: "\n") {
            if !line.hasPrefix(" ") { current = line.split(separator: " ").first.map(String.init) }
            if line.hasPrefix("  extensions:"), let current {
                listed[current] = Set(line.dropFirst("  extensions:".count).split(separator: " ").map(String.init))
            }
        }
        #expect(listed["fits"] == [".fits", ".fit", ".fits.gz"])
        #expect(documented == listed)
    }
}
