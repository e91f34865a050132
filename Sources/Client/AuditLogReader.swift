import Foundation

/// Reads a file (or standard input) line by line in large chunks; memory stays bounded by the longest line.
final class AuditLogReader {
    struct OpenError: Error, CustomStringConvertible {
        var description: String
    }

    private let fd: Int32
    private let ownsDescriptor: Bool

    init(path: String) throws {
        if path == "-" {
            fd = 0
            ownsDescriptor = false
        } else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw OpenError(description: "cannot read audit log \(path): it is a directory")
            }
            fd = open(path, O_RDONLY)
            guard fd >= 0 else {
                throw OpenError(description: "cannot open audit log \(path): \(String(cString: strerror(errno)))")
            }
            ownsDescriptor = true
        }
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Calls `body` for every line (without its `\n`), numbered from 1, until it returns false.
    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) -> Bool,
                     onChunkEnd: () -> Void,
                     onReadError: (String) -> Void) {
        let chunkSize = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var start = 0   // first byte of the current (incomplete) line
        var filled = 0
        var lineNumber = 0
        while true {
            if filled == buffer.count {
                if start > 0 {
                    // Move the partial line to the front.
                    buffer.withUnsafeMutableBytes { raw in
                        _ = memmove(raw.baseAddress!, raw.baseAddress! + start, filled - start)
                    }
                    filled -= start
                    start = 0
                } else {
                    buffer.append(contentsOf: repeatElement(0, count: buffer.count)) // a line longer than the buffer
                }
            }
            let n = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + filled, raw.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                onReadError("error reading the audit log: \(String(cString: strerror(errno)))")
                return
            }
            if n == 0 {
                if start < filled {
                    lineNumber += 1
                    let keepGoing = buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<filled]), lineNumber) }
                    _ = keepGoing
                }
                onChunkEnd()
                return
            }
            let end = filled + n
            var stop = false
            buffer.withUnsafeBufferPointer { all in
                let base = all.baseAddress!
                var i = filled
                while i < end, let hit = memchr(base + i, 0x0A, end - i) {
                    let newline = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
                    lineNumber += 1
                    if !body(UnsafeBufferPointer(rebasing: all[start..<newline]), lineNumber) { stop = true; return }
                    start = newline + 1
                    i = newline + 1
                }
            }
            filled = end
            onChunkEnd()
            if stop { return }
            if start == filled { start = 0; filled = 0 }
        }
    }
}
