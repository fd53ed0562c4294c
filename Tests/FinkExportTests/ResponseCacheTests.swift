import FinkExport
import FinkStandin
import Foundation
import Testing

/// The stand-in's answer cache, served as the benchmarks serve it: generated once, then sent
/// from its file over loopback HTTP.
@Suite("the stand-in's answer cache over loopback HTTP")
struct ResponseCacheTests {
    /// A stand-in whose answers go through a cache in a fresh directory.
    final class CachedStandin {
        let dataset = StandinDataset(.init(seed: 7, objectCount: 6, maximumAlerts: 2000))
        let api: StandinAPI
        let directory: URL
        let server: LoopbackServer
        let baseURL: URL

        init(faults: FaultPlan = FaultPlan()) throws {
            let api = StandinAPI(dataset: dataset)
            self.api = api
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("standin-cache-\(UUID().uuidString)")
            let cache = try ResponseCache(directory: directory)
            server = LoopbackServer(faults: faults, serving: { request in cache.answer(request) { api.respond(to: $0) } })
            baseURL = URL(string: "http://127.0.0.1:\(try server.start())")!
        }

        deinit {
            server.stop()
            try? FileManager.default.removeItem(at: directory)
        }

        /// The answers kept, by name, without their type files.
        func cachedBodies() throws -> [URL] {
            try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension.isEmpty }
        }
    }

    @Test("an answer is kept on its first request and then sent from its file: the same bytes and type")
    func sentFromFile() async throws {
        let standin = try CachedStandin()
        let request = CurlTransportTests.objectsRequest(standin.baseURL, ids: standin.dataset.objects.map(\.id))
        let expected = standin.api.respond(to: request).body
        #expect(expected.count > 1 << 20)
        let transport = CurlTransport()

        let first = try await transport.send(request)
        #expect(first.body == expected)
        let kept = try standin.cachedBodies()
        #expect(kept.count == 1)
        #expect(try Data(contentsOf: kept[0]) == expected)

        let second = try await transport.send(request)
        #expect(second.status == 200)
        #expect(second.body == expected)
        #expect(second.header("Content-Type") == "application/json")
        #expect(second.headers["content-length"] == String(expected.count))

        // What is sent is the file as it is now, not an answer generated again.
        try Data("[]".utf8).write(to: kept[0])
        let third = try await transport.send(request)
        #expect(String(decoding: third.body, as: UTF8.self) == "[]")
        #expect(third.headers["content-length"] == "2")
    }

    @Test("an error answer is not kept: each request gets its own")
    func errorsNotKept() async throws {
        let standin = try CachedStandin()
        let request = HTTPRequest(method: "POST", url: standin.baseURL.appendingPathComponent("api/v1/objects"),
                                  headers: ["Content-Type": "application/json"], body: Data(#"{"output-format": "xml"}"#.utf8))
        for _ in 0 ..< 2 {
            let response = try await CurlTransport().send(request)
            #expect(response.status == 400)
        }
        #expect(try standin.cachedBodies().isEmpty)
    }

    @Test("a body cut short while sent from its file is reported with both lengths")
    func cutFromFile() async throws {
        let standin = try CachedStandin(faults: FaultPlan(cutBodies: 1))
        let request = CurlTransportTests.objectsRequest(standin.baseURL, ids: standin.dataset.objects.map(\.id))
        let full = standin.api.respond(to: request).body.count
        // The first request fills the cache (its body is cut as well), the second is sent from the file.
        for _ in 0 ..< 2 {
            await #expect(throws: TransportError.truncatedBody(received: full / 2, expected: full)) {
                _ = try await CurlTransport().send(request)
            }
        }
        #expect(try standin.cachedBodies().count == 1)
    }
}
