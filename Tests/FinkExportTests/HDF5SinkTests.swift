import FinkExport
import Foundation
import SinkConformance
import Testing

@Suite("HDF5 sink: refusals and failures are clear and leave nothing", .serialized)
struct HDF5SinkTests {
    @Test("a name HDF5 cannot hold next to its mask is refused before anything is written")
    func maskNameClash() throws {
        let scratch = try ScratchDirectory()
        let saved = scratch.path("saved.json")
        try Data(#"[{"i:objectId":"ZTF1","x":1,"x.mask":true}]"#.utf8).write(to: saved)
        let result = try CLI.run(["convert", "--objects", saved.path, "--output", scratch.path("out.h5").path])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("x.mask"))
        #expect(try scratch.entries() == ["saved.json"])
    }

    @Test("a write error inside libhdf5 becomes one line with its reason, and no file",
          .disabled(if: ProcessInfo.processInfo.environment["FINK_EXPORT_SANITIZER"] == "thread",
                    "ThreadSanitizer's own runtime faults (SIGBUS) under a file-size limit"))
    func libraryWriteError() throws {
        let scratch = try ScratchDirectory()
        let binary = CLI.productsDirectory.appendingPathComponent("fink-export").path
        let result = try CLI.run(["-c", "ulimit -f 128; exec \(binary) --sample --no-keep-answers --output \(scratch.path("x.h5").path) --hdf5-compression off"],
                                 executable: "/bin/bash")
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("fink-export: error: cannot write"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!result.stderr.contains("HDF5-DIAG"))
        #expect(try scratch.entries().isEmpty)
    }

    @Test("the features layout needs expanded features")
    func featuresNeedExpansion() throws {
        let scratch = try ScratchDirectory()
        let result = try CLI.run(["--sample", "--no-expand", "--hdf5-layout", "features", "--output", scratch.path("f.h5").path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--no-expand"))
        #expect(try scratch.entries().isEmpty)
    }
}
