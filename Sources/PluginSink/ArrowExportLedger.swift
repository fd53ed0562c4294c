import Synchronization

/// Counts the Arrow structures handed to plugins and released by them, so tests can check
/// that a plugin releases each one exactly once (the C Data Interface's ownership rule).
package enum ArrowExportLedger {
    private static let exported = Atomic<Int>(0)
    private static let released = Atomic<Int>(0)
    private static let releasedTwice = Atomic<Int>(0)
    private static let abandoned = Atomic<Int>(0)

    static func recordExport() { exported.add(1, ordering: .relaxed) }
    static func recordRelease() { released.add(1, ordering: .relaxed) }
    static func recordSecondRelease() { releasedTwice.add(1, ordering: .relaxed) }
    static func recordAbandoned() { abandoned.add(1, ordering: .relaxed) }

    /// Structures (schemas and arrays, children included) exported and not yet released.
    package static var outstanding: Int {
        exported.load(ordering: .relaxed) - released.load(ordering: .relaxed)
    }

    /// Structures a plugin neither released nor moved out before its callback returned (the
    /// host released them).
    package static var abandonedByPlugins: Int {
        abandoned.load(ordering: .relaxed)
    }

    /// Release calls on a structure that was already released.
    package static var secondReleases: Int {
        releasedTwice.load(ordering: .relaxed)
    }
}
