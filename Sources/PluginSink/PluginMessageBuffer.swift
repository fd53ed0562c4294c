import CFinkExportSink
import Foundation

/// The host-owned buffer a plugin writes its one-line error message into: allocated and
/// freed here, so nothing crosses allocators.
final class PluginMessageBuffer {
    private static let capacity = 4096
    private let bytes = UnsafeMutablePointer<CChar>.allocate(capacity: PluginMessageBuffer.capacity)

    init() {
        bytes.initialize(repeating: 0, count: Self.capacity)
    }

    deinit {
        bytes.deallocate()
    }

    /// Clears the buffer and calls `body` with an error struct pointing at it.
    func withError<R>(_ body: (UnsafeMutablePointer<FinkExportSinkError>) throws -> R) rethrows -> R {
        bytes[0] = 0
        var error = FinkExportSinkError(message: bytes, capacity: Self.capacity)
        return try body(&error)
    }

    /// What the plugin wrote, as one line (invalid UTF-8 repaired, line breaks turned into spaces).
    var text: String {
        bytes[Self.capacity - 1] = 0
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: strlen(bytes)), as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }
}
