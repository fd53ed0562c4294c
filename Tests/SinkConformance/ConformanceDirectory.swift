import Foundation

/// A fresh temporary directory for one check, removed when the check is done.
final class ConformanceDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("fink-export-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// The path of `name` inside.
    func file(_ name: String) -> URL {
        url.appendingPathComponent(name)
    }

    /// Every entry, hidden ones (staged files) included.
    func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}
