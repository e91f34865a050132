internal import CZlib
import Foundation

/// Decompresses a gzip file (RFC 1952) read from a descriptor, for `watch --audit-log FILE.gz`: the
/// only Swift that sees zlib (`CZlib`). The `z_stream`, whose address zlib keeps, lives on the heap for
/// the decoder's lifetime and never leaves this class. Concatenated members (`gzip -c a >> f.gz`) are
/// read one after the other, as gzip(1) does.
final class GzipDecoder {
    private let fd: Int32
    private let name: String
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private static let inputCapacity = 1 << 16
    private var inputEnded = false
    /// A member ended (or none began yet): the next bytes, if any, start a new member.
    private var betweenMembers = true
    private var membersRead = 0

    /// gzip's magic bytes, the first two of every member.
    static let magic: [UInt8] = [0x1F, 0x8B]

    /// `name` names the file in messages. Fails only when zlib cannot set up (out of memory).
    init(fd: Int32, name: String) throws {
        self.fd = fd
        self.name = name
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(capacity: Self.inputCapacity)
        // windowBits 15 + 16: a gzip wrapper only (the magic was checked by the caller).
        let status = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            input.deallocate()
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw AuditLogReader.OpenError(description: "cannot decompress \(name): zlib could not start (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        input.deallocate()
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    enum Outcome {
        case bytes(Int)
        case end
        case error(String)
    }

    /// Up to `count` decompressed bytes into `destination` (`.end` after the last member).
    func read(into destination: UnsafeMutablePointer<UInt8>, count: Int) -> Outcome {
        let capacity = UInt32(clamping: count)
        stream.pointee.next_out = destination
        stream.pointee.avail_out = capacity
        while stream.pointee.avail_out == capacity {
            if stream.pointee.avail_in == 0 && !inputEnded {
                let n = Foundation.read(fd, input, Self.inputCapacity)
                if n < 0 {
                    if errno == EINTR { continue }
                    return .error("error reading the audit log: \(String(cString: strerror(errno)))")
                }
                if n == 0 {
                    inputEnded = true
                } else {
                    stream.pointee.next_in = input
                    stream.pointee.avail_in = UInt32(n)
                }
            }
            if stream.pointee.avail_in == 0 && inputEnded {
                if betweenMembers { return .end }
                return .error("error reading the audit log: \(name) ends in the middle of its gzip data (a truncated file?)")
            }
            if betweenMembers {
                if membersRead > 0 { inflateReset(stream) }
                betweenMembers = false
            }
            let status = inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_STREAM_END:
                membersRead += 1
                betweenMembers = true
            case Z_OK, Z_BUF_ERROR:
                continue   // more input needed (read above), or output produced
            default:
                let why = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                return .error("error reading the audit log: \(name) is not valid gzip data: \(why)")
            }
        }
        return .bytes(Int(capacity - stream.pointee.avail_out))
    }
}
