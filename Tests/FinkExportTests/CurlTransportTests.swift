import FinkExport
import FinkStandin
import Foundation
import Testing

/// The network transport over real HTTP on loopback: what arrives, and each way a request fails.
@Suite("libcurl transport over loopback HTTP")
struct CurlTransportTests {
    static func objectsRequest(_ base: URL, ids: [String], timeout: TimeInterval = 30) -> HTTPRequest {
        HTTPRequest(method: "POST", url: base.appendingPathComponent("api/v1/objects"),
                    headers: ["Content-Type": "application/json"],
                    body: Data(#"{"objectId": "\#(ids.joined(separator: ","))", "output-format": "json"}"#.utf8),
                    timeout: timeout)
    }

    @Test("a multi-megabyte answer arrives byte for byte, with its status and lowercased headers")
    func wholeAnswer() async throws {
        let harness = try StandinHarness(objects: 6, maxAlerts: 2000)
        let ids = harness.dataset.objects.map(\.id)
        let request = Self.objectsRequest(harness.baseURL, ids: ids)
        let expected = harness.api.respond(to: request)
        #expect(expected.body.count > 1 << 20)
        let response = try await CurlTransport().send(request)
        #expect(response.status == 200)
        #expect(response.body == expected.body)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.headers["content-length"] == String(expected.body.count))
    }

    @Test("answers received one after another arrive whole, whether earlier ones are still held or their memory is reused")
    func successiveLargeAnswers() async throws {
        let harness = try StandinHarness(objects: 8, maxAlerts: 2000)
        let ids = harness.dataset.objects.map(\.id)
        let requests = [ids, Array(ids.reversed()), Array(ids[1...])].map {
            Self.objectsRequest(harness.baseURL, ids: $0)
        }
        let expected = requests.map { harness.api.respond(to: $0).body }
        // Large enough for mappings of their own, of different lengths.
        #expect(expected.allSatisfy { $0.count > 2 << 20 })
        let transport = CurlTransport()
        var held: [Data] = []
        for request in requests { held.append(try await transport.send(request).body) }
        #expect(held == expected)
        held = []
        for (request, body) in zip(requests, expected) {
            #expect(try await transport.send(request).body == body)
        }
    }

    @Test("an HTTP error status is an answer, not a transport failure")
    func errorStatus() async throws {
        let harness = try StandinHarness(faults: FaultPlan(serverErrors: 1))
        let response = try await CurlTransport().send(Self.objectsRequest(harness.baseURL, ids: ["ZTF18abcdefg"]))
        #expect(response.status == 503)
        #expect(String(decoding: response.body, as: UTF8.self).contains("503 Service Unavailable"))
    }

    @Test("a body cut short of its Content-Length is reported with both lengths")
    func cutBody() async throws {
        let harness = try StandinHarness(faults: FaultPlan(cutBodies: 1))
        let request = Self.objectsRequest(harness.baseURL, ids: harness.dataset.objects.map(\.id))
        let full = harness.api.respond(to: request).body.count
        await #expect(throws: TransportError.truncatedBody(received: full / 2, expected: full)) {
            _ = try await CurlTransport().send(request)
        }
    }

    @Test("a dropped connection and a refused one are connection errors with a reason")
    func connectionErrors() async throws {
        let harness = try StandinHarness(faults: FaultPlan(droppedConnections: 1))
        for url in [harness.baseURL, URL(string: "http://127.0.0.1:1")!] {
            do {
                _ = try await CurlTransport().send(Self.objectsRequest(url, ids: ["ZTF18abcdefg"]))
                Issue.record("no error from \(url)")
            } catch let TransportError.connection(reason) {
                #expect(!reason.isEmpty)
                #expect(reason.contains("libcurl code"))
            }
        }
    }

    // The slow answers below do come, 30 s late: a transport that ignored the timeout or the
    // cancellation would return them instead of the error (no timing is asserted).

    @Test("an answer slower than the timeout fails as a timeout")
    func timeout() async throws {
        let harness = try StandinHarness(faults: FaultPlan(slowResponses: 1, slowSeconds: 30))
        await #expect(throws: TransportError.timedOut(seconds: 0.4)) {
            _ = try await CurlTransport().send(Self.objectsRequest(harness.baseURL, ids: ["ZTF18abcdefg"], timeout: 0.4))
        }
    }

    @Test("cancelling the waiting task ends the request with a CancellationError")
    func cancellation() async throws {
        let harness = try StandinHarness(faults: FaultPlan(slowResponses: 1, slowSeconds: 30))
        let request = Self.objectsRequest(harness.baseURL, ids: ["ZTF18abcdefg"])
        let task = Task { try await CurlTransport().send(request) }
        try await Task.sleep(nanoseconds: 200_000_000)
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
    }
}
