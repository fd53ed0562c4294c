import CZlib
import FinkExport
import Foundation

/// A buffered file writer with optional gzip compression, for the text sinks.
///
/// Write errors (a full disk, a file-size limit) surface as ``SinkError/write(path:action:reason:)``
/// naming the final path, never as a crash.
public final class ByteOutput {
    private let descriptor: Int32
    private let displayPath: String
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 16
    // zlib keeps a pointer back to its z_stream, so the stream must not move: heap-allocated.
    private var stream: UnsafeMutablePointer<z_stream>?
    private var compressed: [UInt8] = []
    private var closed = false

    /// Creates (truncates) `url`; `displayPath` names the file in errors.
    public init(url: URL, displayPath: String, gzip: Bool, level: Int32 = 6) throws {
        self.displayPath = displayPath
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SinkError.write(path: displayPath, action: "creating it", reason: String(cString: strerror(errno)))
        }
        buffer.reserveCapacity(bufferLimit + 4096)
        if gzip {
            let z = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            z.initialize(to: z_stream())
            // windowBits 15 + 16 asks zlib for a gzip header and trailer.
            let status = deflateInit2_(z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                       ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                z.deallocate()
                Glibc.close(descriptor)
                throw SinkError.write(path: displayPath, action: "starting gzip compression", reason: "zlib status \(status)")
            }
            stream = z
            compressed = [UInt8](repeating: 0, count: 1 << 16)
        }
    }

    deinit {
        if !closed { discard() }
    }

    /// Appends bytes. A run longer than the buffer goes out from where it lies, after what
    /// the buffer holds, rather than through it.
    @inline(__always)
    public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        if bytes.count >= bufferLimit {
            try drain()
            try emit(bytes, finish: false)
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= bufferLimit { try drain() }
    }

    /// Appends one byte.
    @inline(__always)
    public func write(_ byte: UInt8) throws {
        buffer.append(byte)
        if buffer.count >= bufferLimit { try drain() }
    }

    /// Appends a string's UTF-8.
    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write($0) }
    }

    /// Appends a static string.
    public func write(_ text: StaticString) throws {
        try write(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Direct access to the pending buffer, for formatters that append in place.
    public func append(_ body: (inout [UInt8]) -> Void) throws {
        body(&buffer)
        if buffer.count >= bufferLimit { try drain() }
    }

    /// Flushes everything, ends the gzip stream and closes the file.
    public func close() throws {
        guard !closed else { return }
        try drain()
        if stream != nil { try compress(UnsafeBufferPointer(start: nil, count: 0), finish: true) }
        endStream()
        closed = true
        guard Glibc.close(descriptor) == 0 else {
            throw SinkError.write(path: displayPath, action: "finishing it", reason: String(cString: strerror(errno)))
        }
    }

    /// Closes without flushing (after a failure).
    public func discard() {
        guard !closed else { return }
        endStream()
        closed = true
        Glibc.close(descriptor)
    }

    private func endStream() {
        guard let stream else { return }
        deflateEnd(stream)
        stream.deallocate()
        self.stream = nil
    }

    private func drain() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBufferPointer { try emit($0, finish: false) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Sends bytes to the file, through gzip when compressing (`finish` ends its stream).
    private func emit(_ bytes: UnsafeBufferPointer<UInt8>, finish: Bool) throws {
        if stream != nil {
            try compress(bytes, finish: finish)
        } else {
            try writeFully(bytes)
        }
    }

    private func compress(_ input: UnsafeBufferPointer<UInt8>, finish: Bool) throws {
        let stream = self.stream!
        // zlib reads next_in and never writes through it.
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.pointee.avail_in = UInt32(input.count)
        while true {
            let (status, produced): (Int32, Int) = compressed.withUnsafeMutableBufferPointer { output in
                stream.pointee.next_out = output.baseAddress
                stream.pointee.avail_out = UInt32(output.count)
                let status = deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH)
                return (status, output.count - Int(stream.pointee.avail_out))
            }
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw SinkError.write(path: displayPath, action: "gzip compression", reason: "zlib status \(status)")
            }
            if produced > 0 {
                try compressed.withUnsafeBufferPointer { try writeFully(UnsafeBufferPointer(rebasing: $0[0 ..< produced])) }
            }
            // Without finishing, spare output room means all input was taken; when
            // finishing, zlib says so with Z_STREAM_END.
            if finish ? status == Z_STREAM_END : stream.pointee.avail_out != 0 { break }
        }
        stream.pointee.next_in = nil
    }

    private func writeFully(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw SinkError.write(path: displayPath, action: nil, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
    }
}
