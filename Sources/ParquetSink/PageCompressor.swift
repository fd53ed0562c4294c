import CSnappy
import CZlib
import CZstd
import FinkExport

/// Compresses page bodies with the chunk's codec: each page is one zstd frame, one snappy
/// block or one gzip member, as `Compression.md` asks (no framing beyond the codec's own).
final class PageCompressor {
    enum Method: Equatable {
        case none
        case zstd(level: Int32)
        case snappy
        case gzip(level: Int32)
    }

    let method: Method
    private var zstdContext: OpaquePointer?
    /// The body of the page being compressed, and its compressed bytes.
    private var body: [UInt8] = []
    private var output: [UInt8] = []

    init(_ method: Method) {
        self.method = method
        if case .zstd = method { zstdContext = ZSTD_createCCtx() }
    }

    deinit {
        if let zstdContext { ZSTD_freeCCtx(zstdContext) }
    }

    var codec: CompressionCodec {
        switch method {
        case .none: return .uncompressed
        case .zstd: return .zstd
        case .snappy: return .snappy
        case .gzip: return .gzip
        }
    }

    /// Compresses the page body that `fill` writes and hands `use` the body's length and the
    /// stored bytes, valid only during the call. The body and the compressed bytes stay in
    /// buffers kept from page to page: a page is up to a few MiB, and buffers made for each cost
    /// the kernel fresh pages to fault in and zero, and a copy more.
    func compressPage<R>(_ fill: (inout [UInt8]) -> Void,
                         _ use: (_ bodyCount: Int, _ stored: UnsafeRawBufferPointer) throws -> R) throws -> R {
        body.removeAll(keepingCapacity: true)
        fill(&body)
        let bodyCount = body.count
        switch method {
        case .none:
            return try body.withUnsafeBytes { try use(bodyCount, $0) }
        case .zstd(let level):
            guard let zstdContext else { throw CompressionFailure(codec: "zstd", reason: "no compression context") }
            let bound = ZSTD_compressBound(bodyCount)
            if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
            let written = body.withUnsafeBytes { input in
                output.withUnsafeMutableBytes { out in
                    ZSTD_compressCCtx(zstdContext, out.baseAddress, out.count, input.baseAddress, input.count, level)
                }
            }
            if ZSTD_isError(written) != 0 {
                throw CompressionFailure(codec: "zstd", reason: String(cString: ZSTD_getErrorName(written)))
            }
            return try output.withUnsafeBytes { try use(bodyCount, UnsafeRawBufferPointer(rebasing: $0[0 ..< written])) }
        case .snappy:
            var length = snappy_max_compressed_length(bodyCount)
            if output.count < length { output = [UInt8](repeating: 0, count: length) }
            let status = body.withUnsafeBytes { input in
                output.withUnsafeMutableBytes { out in
                    snappy_compress(input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                                    out.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
                }
            }
            guard status == SNAPPY_OK else { throw CompressionFailure(codec: "snappy", reason: "status \(status.rawValue)") }
            return try output.withUnsafeBytes { try use(bodyCount, UnsafeRawBufferPointer(rebasing: $0[0 ..< length])) }
        case .gzip(let level):
            let stored = try Self.gzip(body, level: level)
            return try stored.withUnsafeBytes { try use(bodyCount, $0) }
        }
    }

    /// One gzip member (RFC 1952): zlib with window bits 15 + 16.
    private static func gzip(_ body: [UInt8], level: Int32) throws -> [UInt8] {
        var stream = z_stream()
        var status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw CompressionFailure(codec: "gzip", reason: "zlib status \(status)") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(body.count))) + 32)
        var body = body
        let produced: Int = body.withUnsafeMutableBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = input.baseAddress
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                status = deflate(&stream, Z_FINISH)
                return out.count - Int(stream.avail_out)
            }
        }
        guard status == Z_STREAM_END else { throw CompressionFailure(codec: "gzip", reason: "zlib status \(status)") }
        output.removeSubrange(produced...)
        return output
    }
}

/// A compression library refused a page.
struct CompressionFailure: Error, CustomStringConvertible {
    let codec: String
    let reason: String
    var description: String { "\(codec) compression failed: \(reason)" }
}
