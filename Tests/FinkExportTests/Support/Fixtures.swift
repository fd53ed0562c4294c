import Foundation

/// Real-shaped records from the reference material, copied into `Fixtures/`.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// A fixture's member re-encoded as a one-record JSON array, the API's response shape.
    /// JSONSerialization keeps integers as integers, so 64-bit ids stay exact (tests check them).
    static func responseBody(_ record: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: [record], options: [.sortedKeys])
    }
}
