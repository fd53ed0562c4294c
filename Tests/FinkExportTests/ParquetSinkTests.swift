import FinkExport
import Foundation
@testable import ParquetSink
import SinkConformance
import Testing

@Suite("Parquet sink: the encodings as the specification writes them, and the command line")
struct ParquetSinkTests {
    /// The worked example of `Encodings.md` (RLE/bit-packing hybrid): the values 0 to 7 with
    /// bit width 3 bit-pack into `10001000 11000110 11111010`, after the run header
    /// `(1 group << 1) | 1`.
    @Test("bit-packed runs match the specification's example")
    func bitPackedExample() {
        var encoder = HybridEncoder(bitWidth: 3)
        for value in UInt32(0) ... 7 { encoder.append(value) }
        #expect(encoder.finish() == [0x03, 0b1000_1000, 0b1100_0110, 0b1111_1010])
    }

    @Test("a run of eight or more equal values is one RLE run; a short tail is padded to a group of eight")
    func runsAndPadding() {
        var encoder = HybridEncoder(bitWidth: 1)
        encoder.append(1, count: 1000)
        encoder.append(0)
        encoder.append(1)
        // RLE header varint(1000 << 1) = D0 0F, value 01; then one bit-packed group of 0, 1
        // and six padding zeros: header 03, bits 0b0000_0010.
        #expect(encoder.finish() == [0xD0, 0x0F, 0x01, 0x03, 0b0000_0010])
    }

    @Test("convert writes a Parquet file: PAR1 at both ends, and formats lists the sink and its options")
    func convertAndList() throws {
        let scratch = try ScratchDirectory()
        let saved = scratch.path("saved.json")
        try Data(#"[{"i:objectId":"ZTF1","i:candid":1234567890123456789,"i:jd":2459000.5}]"#.utf8).write(to: saved)
        let result = try CLI.run(["convert", "--objects", saved.path, "--output", scratch.path("out.pq").path, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = [UInt8](try Data(contentsOf: scratch.path("out.pq")))
        #expect(bytes.prefix(4) == [0x50, 0x41, 0x52, 0x31] && bytes.suffix(4) == [0x50, 0x41, 0x52, 0x31])
        let formats = try CLI.run(["formats"])
        #expect(formats.stdout.contains("parquet  "))
        #expect(formats.stdout.contains(".parquet .pq"))
        #expect(formats.stdout.contains("compression        zstd|snappy|gzip|none, default zstd"))
    }

    @Test("a compression level the codec does not have is a usage error before any file or directory",
          arguments: [["compression=gzip", "compression-level=12"], ["compression=none", "compression-level=3"]])
    func levelOutsideCodec(options: [String]) throws {
        let scratch = try ScratchDirectory()
        let result = try CLI.run(["--sample", "--format", "parquet", "--output", scratch.path("out").path + "/"]
                                 + options.flatMap { ["--option", $0] })
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("compression level") || result.stderr.contains("compression-level"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try scratch.entries().isEmpty)
    }
}
