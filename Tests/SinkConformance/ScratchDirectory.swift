import Foundation

/// A fresh temporary directory for one check or test, removed when it is done.
package final class ScratchDirectory {
    package let url: URL

    package init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("fink-export-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// The path of `name` inside.
    package func path(_ name: String) -> URL {
        url.appendingPathComponent(name)
    }

    /// Every entry, hidden ones (staged files) included.
    package func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}
