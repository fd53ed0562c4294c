import Foundation
import SinkConformance
import SinkSupport
import Testing
@testable import VOTableSink

@Suite("VOTable's base64 stream: what BINARY2 readers decode")
struct Base64StreamTests {
    @Test("bytes appended in pieces and flushed as they come decode to themselves, in lines of 76 characters")
    func piecesDecodeToThemselves() throws {
        var rng = SystemRandomNumberGenerator()
        let scratch = try ScratchDirectory()
        // Every length up to a few lines (each remainder of 3 and of a 57-byte line), then longer.
        for length in Array(0 ... 240) + [1_000, 4_097, 65_537] {
            let bytes = (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            let url = scratch.path("base64-\(length)")
            let output = try ByteOutput(url: url, displayPath: url.path, gzip: false)
            var stream = Base64Stream()
            var offset = 0
            while offset < length {
                let piece = min(length - offset, Int.random(in: 1 ... 100, using: &rng))
                stream.append(Array(bytes[offset ..< offset + piece]))
                try stream.flush(to: output, final: false)
                offset += piece
            }
            try stream.flush(to: output, final: true)
            try output.close()

            let text = try String(contentsOf: url, encoding: .ascii)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            // Full lines of 76, a shorter last one; a newline ends the text only after a full line.
            #expect(lines.dropLast().allSatisfy { $0.count == 76 }, "\(length)")
            #expect(lines.last.map { $0.count < 76 } == true, "\(length)")
            #expect(text.count == (length + 2) / 3 * 4 + (length + 2) / 3 * 4 / 76, "\(length)")
            let decoded = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
            #expect(decoded == Data(bytes), "\(length)")
        }
    }
}
