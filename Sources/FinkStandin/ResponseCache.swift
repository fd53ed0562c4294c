import FinkExport
import Foundation

/// Keeps successful answers on disk, keyed by the request, so repeated identical requests
/// (benchmarks run the same export several times) are served at disk speed instead of being
/// generated again. Generation is deterministic, so a cached answer equals a fresh one.
public struct ResponseCache: Sendable {
    private let directory: URL

    /// Creates a cache in `directory` (created if missing).
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
    }

    /// The cached answer to `request` (its file, for the server to send as it is), or
    /// `respond`'s answer, stored when it is a 200.
    public func answer(_ request: HTTPRequest, _ respond: (HTTPRequest) -> HTTPResponse) -> ServedResponse {
        let key = Self.key(request)
        let file = directory.appendingPathComponent(key)
        // The type is written first and the body renamed into place last, so a body found
        // here is whole and has its type.
        if let body = OpenAnswerFile(path: file.path),
           let type = try? String(contentsOf: file.appendingPathExtension("type"), encoding: .utf8) {
            return ServedResponse(contentType: type, file: body)
        }
        let response = respond(request)
        if response.status == 200 {
            let temporary = directory.appendingPathComponent(".\(key).\(UUID().uuidString)")
            if (try? response.body.write(to: temporary)) != nil {
                try? (response.header("content-type") ?? "application/json").write(to: file.appendingPathExtension("type"), atomically: true, encoding: .utf8)
                rename(temporary.path, file.path)
            }
        }
        return ServedResponse(response)
    }

    /// FNV-1a over the method, path and arguments in a canonical form, so requests that ask
    /// the same thing with differently written bodies (`{"n": 3}`, `{"n":3,"output-format":"json"}`)
    /// share an answer.
    static func key(_ request: HTTPRequest) -> String {
        var arguments: [String: String] = [:]
        for item in URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? [] {
            arguments[item.name] = item.value ?? ""
        }
        if arguments.isEmpty, let body = Argument.parseObject(request.body) {
            arguments = body.mapValues(\.pythonString)
        }
        if arguments["output-format"] == "json" { arguments["output-format"] = nil }
        let canonical = request.method + " " + request.url.path + "\n"
            + arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in canonical.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return String(hash, radix: 16)
    }
}
