import Foundation

/// Reads a file (or standard input) line by line in large chunks. Memory stays bounded by the longest
/// line accepted (`maxLineBytes`): a longer line is reported by its first bytes and skipped to its
/// newline without being buffered whole, so an endless line (`/dev/zero`) cannot exhaust memory.
public final class AuditLogReader {
    public struct OpenError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The default `--max-line-bytes`: far above any real audit event (the API server caps a request
    /// body at 3 MiB, and an event holds at most the request and response objects).
    public static let defaultMaxLineBytes = 64 << 20

    /// Whether standard input was closed when the process started (`Pspctl.main` records it before it
    /// opens anything, then puts /dev/null on descriptor 0 so no file it opens later lands there).
    nonisolated(unsafe) public static var standardInputWasClosed = false

    private let fd: Int32
    private let ownsDescriptor: Bool
    public let maxLineBytes: Int
    /// At most this many bytes of an overlong line are handed to `onOverlongLine`.
    public static let overlongPrefix = 300

    public init(path: String, maxLineBytes: Int = AuditLogReader.defaultMaxLineBytes) throws {
        self.maxLineBytes = maxLineBytes
        if path == "-" {
            fd = Self.standardInputWasClosed ? -1 : 0
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

    /// Calls `body` for every line (without its `\n`), numbered from 1, until it returns false. A line
    /// longer than `maxLineBytes` goes to `onOverlongLine` instead, with its first bytes (at most
    /// `overlongPrefix`) as soon as it is known to be too long; when that returns true the rest of the
    /// line is skipped and reading goes on after it.
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) -> Bool,
                     onOverlongLine: (_ prefix: UnsafeBufferPointer<UInt8>, _ lineNumber: Int) -> Bool,
                     onChunkEnd: () -> Void,
                     onReadError: (String) -> Void) {
        guard fd >= 0 else {
            onReadError("error reading the audit log: standard input is closed")
            return
        }
        let overlongPrefix = Self.overlongPrefix
        var capacity = 1 << 20
        guard var base = malloc(capacity)?.assumingMemoryBound(to: UInt8.self) else {
            onReadError("error reading the audit log: out of memory")
            return
        }
        defer { free(base) }
        var start = 0   // first byte of the current (incomplete) line
        var filled = 0
        var lineNumber = 0
        var skipping = false   // inside an overlong line already reported: discard up to its newline
        while true {
            if filled == capacity {
                if start > 0 {
                    // Move the partial line to the front.
                    memmove(base, base + start, filled - start)
                    filled -= start
                    start = 0
                } else {
                    // A line longer than the buffer but not (yet) than the limit: grow up to the limit + 1,
                    // enough to tell a line of exactly `maxLineBytes` from a longer one.
                    let grown = max(capacity + 1, min(capacity * 2, maxLineBytes + 1))
                    guard let moved = realloc(base, grown) else {
                        onReadError("error reading the audit log: out of memory for a line of \(filled) bytes")
                        return
                    }
                    base = moved.assumingMemoryBound(to: UInt8.self)
                    capacity = grown
                }
            }
            let n = read(fd, base + filled, capacity - filled)
            if n < 0 {
                if errno == EINTR { continue }
                onReadError("error reading the audit log: \(String(cString: strerror(errno)))")
                return
            }
            if n == 0 {
                if !skipping && start < filled {
                    lineNumber += 1
                    let line = UnsafeBufferPointer(start: base + start, count: filled - start)
                    if line.count > maxLineBytes {
                        _ = onOverlongLine(UnsafeBufferPointer(rebasing: line.prefix(overlongPrefix)), lineNumber)
                    } else {
                        _ = body(line, lineNumber)
                    }
                }
                onChunkEnd()
                return
            }
            let end = filled + n
            var i = filled
            if skipping {
                guard let hit = memchr(base + filled, 0x0A, n) else {
                    // Still inside the overlong line: drop what was read.
                    start = 0
                    filled = 0
                    continue
                }
                skipping = false
                start = UnsafeMutablePointer(hit.assumingMemoryBound(to: UInt8.self)) - base + 1
                i = start
            }
            var stop = false
            while i < end, let hit = memchr(base + i, 0x0A, end - i) {
                let newline = UnsafeMutablePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
                lineNumber += 1
                let line = UnsafeBufferPointer(start: base + start, count: newline - start)
                let goOn = line.count > maxLineBytes
                    ? onOverlongLine(UnsafeBufferPointer(rebasing: line.prefix(overlongPrefix)), lineNumber)
                    : body(line, lineNumber)
                if !goOn { stop = true; break }
                start = newline + 1
                i = newline + 1
            }
            filled = end
            if !stop && filled - start > maxLineBytes {
                // The line read so far is already too long: report it now, skip the rest unread.
                lineNumber += 1
                let prefix = UnsafeBufferPointer(start: base + start, count: min(overlongPrefix, filled - start))
                if !onOverlongLine(prefix, lineNumber) { stop = true }
                skipping = true
                start = 0
                filled = 0
            }
            onChunkEnd()
            if stop { return }
            if start == filled { start = 0; filled = 0 }
        }
    }
}
