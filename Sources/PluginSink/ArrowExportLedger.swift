import Synchronization

/// Counts the Arrow structures one writer hands its plugin and the releases that come back,
/// so a test can check that the plugin releases each exactly once (the C Data Interface's
/// ownership rule).
package final class ArrowExportLedger: Sendable {
    private let exported = Atomic<Int>(0)
    private let released = Atomic<Int>(0)
    private let abandoned = Atomic<Int>(0)

    init() {}

    func recordExport() { exported.add(1, ordering: .relaxed) }
    func recordRelease() { released.add(1, ordering: .relaxed) }
    func recordAbandoned() { abandoned.add(1, ordering: .relaxed) }

    /// Structures (schemas and arrays, children included) exported.
    package var exports: Int { exported.load(ordering: .relaxed) }

    /// Structures exported and not yet released.
    package var outstanding: Int { exported.load(ordering: .relaxed) - released.load(ordering: .relaxed) }

    /// Top-level structures the plugin neither released nor moved out before its callback
    /// returned (the host released them).
    package var abandonedByPlugin: Int { abandoned.load(ordering: .relaxed) }

    /// Release calls, in the whole process, on a structure already released (it carries no
    /// ledger by then).
    package static let strayReleases = Atomic<Int>(0)
}
