/// One part of an export split across machines: the rows whose object id hashes to ``index``
/// among ``count`` shards. Every shard reads the same anomaly answer and keeps its own objects,
/// so the shards' outputs together hold the unsharded export's rows, each row once.
///
/// The hash is FNV-1a (64 bits) of the object id's UTF-8 bytes, modulo ``count``: stable
/// across runs, machines and versions, and cheap to recompute anywhere (the README has it in
/// Python). A row without an object id belongs to shard 0.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// This shard, from 0.
    public let index: Int
    /// How many shards the export is split into.
    public let count: Int

    /// A shard, or nil unless `0 <= index < count`.
    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 0, index < count else { return nil }
        self.index = index
        self.count = count
    }

    /// The shard an object id belongs to among `count`.
    public static func index(of objectId: String?, among count: Int) -> Int {
        guard let objectId else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in objectId.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(count))
    }

    /// Whether the rows of `objectId` belong to this shard.
    public func contains(objectId: String?) -> Bool {
        Self.index(of: objectId, among: count) == index
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// `shard-K-of-N`, K padded to the width of N - 1 so that file names sort in shard order.
    public var fileLabel: String {
        let width = String(count - 1).count
        let padded = String(repeating: "0", count: max(0, width - String(index).count)) + String(index)
        return "shard-\(padded)-of-\(count)"
    }

    /// How rows are assigned, as provenance records it.
    public static let rule = "fnv1a64(utf8(i:objectId)) mod N; rows without an object id go to shard 0"
}
