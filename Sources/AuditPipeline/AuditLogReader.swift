import Foundation

/// Reads an audit log line by line in large chunks: a file, standard input, or a gzip file (decompressed);
/// a regular file can be followed (read as it grows, across rotations) and started at a recorded
/// position or at its end. Memory stays bounded by the longest line accepted (`maxLineBytes`): a longer
/// line is reported by its first bytes and skipped to its newline without being buffered whole, so an
/// endless line (`/dev/zero`) cannot exhaust memory.
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

    /// At most this many bytes of an overlong line are handed to `onOverlongLine`.
    public static let overlongPrefix = 300

    /// `--from`: where a followed log starts when no position is recorded.
    public enum StartPoint: String, Sendable, CaseIterable {
        case beginning, end
    }

    public struct Options: Sendable {
        public var maxLineBytes = AuditLogReader.defaultMaxLineBytes
        /// Keep reading as the file grows (and across rotations), until `stop` is set.
        public var follow = false
        public var from: StartPoint = .beginning
        /// The position recorded by an earlier run (`--state-file`): reading resumes there.
        public var resume: LogPosition?
        /// The position will be recorded (`--state-file`): the log must be a regular, uncompressed file.
        public var recordsPosition = false
        /// How long a followed log is left alone when there is nothing new.
        public var pollInterval: Duration = .milliseconds(200)
        /// Checked after each chunk and while waiting: once set, reading stops (after the lines already read).
        public var stop: StopFlag?
        /// Told (with a message) when reading moves on to a rotated log's new file or to the start of a
        /// truncated one (`--verbose` prints it).
        public var onRotation: (@Sendable (String) -> Void)?
        /// What the file holds, in messages about opening it (`audit log`, `sensor events file`).
        public var inputName = "audit log"

        public init() {}
    }

    /// Something opening decided that the user should know (a rotation while stopped …); `warning`s are
    /// printed unless --quiet, the others with --verbose.
    public struct Note: Sendable {
        public var message: String
        public var isWarning: Bool
    }

    public let maxLineBytes: Int
    public private(set) var notes: [Note] = []
    /// Whether the file is gzip-compressed (read decompressed).
    public private(set) var isCompressed = false

    private let source: LogSource?
    private let options: Options
    /// The path as given (messages).
    private let displayPath: String
    /// The log's path made absolute (the `path` of positions).
    private let absolutePath: String
    /// After the last line handed out (or the start): the inode and offset of its file.
    private var committedInode: UInt64 = 0
    private var committedOffset = 0
    private let hasPosition: Bool

    public convenience init(path: String, maxLineBytes: Int = AuditLogReader.defaultMaxLineBytes) throws {
        var options = Options()
        options.maxLineBytes = maxLineBytes
        try self.init(path: path, options: options)
    }

    public init(path: String, options: Options) throws {
        maxLineBytes = options.maxLineBytes
        self.options = options
        displayPath = path
        absolutePath = path == "-" ? path : URL(fileURLWithPath: path).standardizedFileURL.path
        if path == "-" {
            guard !options.recordsPosition else {
                throw OpenError(description: "--state-file needs a log file: standard input has no position to record")
            }
            guard options.from == .beginning else {
                throw OpenError(description: "--from end needs a log file: standard input is read as it comes")
            }
            source = Self.standardInputWasClosed ? nil : DescriptorSource(fd: 0, ownsDescriptor: false, follow: options.follow)
            hasPosition = false
            return
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw OpenError(description: "cannot read \(options.inputName) \(path): it is a directory")
        }
        let file: FileSource.Opened
        switch FileSource.open(path) {
        case .failed(let error):
            throw OpenError(description: "cannot open \(options.inputName) \(path): \(String(cString: strerror(error)))")
        case .notRegular(let fd):
            // A pipe or a device: read as it comes, like standard input.
            guard !options.recordsPosition else {
                close(fd)
                throw OpenError(description: "--state-file needs a regular file: \(path) is not one, so it has no position to record")
            }
            source = DescriptorSource(fd: fd, ownsDescriptor: true, follow: options.follow)
            hasPosition = false
            return
        case .opened(let opened):
            file = opened
        }
        if Self.isGzip(file.fd) {
            guard !options.follow else {
                close(file.fd)
                throw OpenError(description: "cannot follow \(path): it is gzip-compressed, and a compressed log does not grow; read it without --follow")
            }
            guard !options.recordsPosition else {
                close(file.fd)
                throw OpenError(description: "--state-file cannot record a position in \(path): it is gzip-compressed and is read whole")
            }
            isCompressed = true
            source = try GzipSource(fd: file.fd, name: path)
            hasPosition = false
            return
        }
        hasPosition = true
        var notes: [Note] = []
        var start = (inode: file.inode, offset: 0)
        var rotated: FileSource.Opened?
        if let recorded = options.resume {
            guard recorded.path == absolutePath else {
                close(file.fd)
                throw OpenError(description: "the state file records a position in \(recorded.path), not in \(absolutePath): give each log its own --state-file")
            }
            if recorded.inode == file.inode {
                if file.size >= recorded.offset {
                    start.offset = recorded.offset
                    notes.append(Note(message: "resuming \(path) at byte \(recorded.offset) (of \(file.size))", isWarning: false))
                } else {
                    notes.append(Note(message: "\(path) is shorter (\(file.size) bytes) than the recorded position (byte \(recorded.offset)): it was truncated while pspctl was stopped; reading it from its start", isWarning: true))
                }
            } else if let (name, old) = Self.findFile(inode: recorded.inode, device: file.device, beside: absolutePath),
                      old.size >= recorded.offset {
                rotated = old
                start = (old.inode, recorded.offset)
                notes.append(Note(message: "\(path) was rotated while pspctl was stopped: reading the rest of the old file, now \(name), from byte \(recorded.offset), then \(path) from its start", isWarning: true))
            } else {
                notes.append(Note(message: "\(path) was rotated while pspctl was stopped and the old file (inode \(recorded.inode)) is not beside it any more (removed or compressed): its lines after byte \(recorded.offset) were not read; reading \(path) from its start", isWarning: true))
            }
        } else if options.follow && options.from == .end {
            start.offset = Self.startOfLastLine(file.fd, size: file.size)
        }
        self.notes = notes
        committedInode = start.inode
        committedOffset = start.offset
        if let old = rotated {
            source = FileSource(path: path, current: old, offset: start.offset, follow: options.follow, then: file)
        } else {
            source = FileSource(path: path, current: file, offset: start.offset, follow: options.follow)
        }
    }

    /// Where reading stands: after the last line handed out (during `body`, after that line), or where
    /// reading started. Nil when the log has no position (standard input, a pipe, a gzip file). A last
    /// line without its newline at the end of an unfollowed log is read, but the position stays at its
    /// start, so a later run reads it whole once its writer has ended it.
    public var position: LogPosition? {
        hasPosition ? LogPosition(path: absolutePath, inode: committedInode, offset: committedOffset) : nil
    }

    /// Calls `body` for every line (without its `\n`), numbered from 1, until it returns false. A line
    /// longer than `maxLineBytes` goes to `onOverlongLine` instead, with its first bytes (at most
    /// `overlongPrefix`) as soon as it is known to be too long; when that returns true the rest of the
    /// line is skipped and reading goes on after it. `onChunkEnd` follows every read's lines;
    /// `onCaughtUp`, a followed log's catching up with its writer (before a wait; false stops reading).
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) -> Bool,
                            onOverlongLine: (_ prefix: UnsafeBufferPointer<UInt8>, _ lineNumber: Int) -> Bool,
                            onChunkEnd: () -> Void,
                            onReadError: (String) -> Void,
                            onCaughtUp: () -> Bool = { true }) {
        guard let source else {
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
        // The file offset of `base[0]` (while the bytes come from a file with a position).
        var baseOffset = source.location?.offset ?? 0
        let stop = options.stop

        /// The unterminated last line, at the end of the log or of a rotated or truncated file.
        func lastLine(advancing: Bool) -> Bool {
            guard !skipping && start < filled else { return true }
            lineNumber += 1
            if advancing { committedOffset = baseOffset + filled }
            let line = UnsafeBufferPointer(start: base + start, count: filled - start)
            if line.count > maxLineBytes {
                return onOverlongLine(UnsafeBufferPointer(rebasing: line.prefix(overlongPrefix)), lineNumber)
            }
            return body(line, lineNumber)
        }

        while true {
            if filled == capacity {
                if start > 0 {
                    // Move the partial line to the front.
                    memmove(base, base + start, filled - start)
                    filled -= start
                    baseOffset += start
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
            let n: Int
            switch source.read(into: base + filled, count: capacity - filled) {
            case .bytes(let count):
                n = count
            case .error(let message):
                onReadError(message)
                return
            case .end:
                _ = lastLine(advancing: false)
                onChunkEnd()
                return
            case .boundary(let what):
                // A rotated or truncated file's unterminated last line is a line: its writer has moved on.
                let goOn = lastLine(advancing: true)
                options.onRotation?(what == "truncated"
                    ? "\(displayPath) was truncated (copytruncate): reading it again from its start"
                    : "\(displayPath) was rotated: the old file was read to its end; reading the new one from its start")
                skipping = false
                start = 0
                filled = 0
                if goOn, let location = source.location {
                    committedInode = location.inode
                    committedOffset = location.offset
                    baseOffset = location.offset
                }
                onChunkEnd()
                if !goOn || stop?.isSet == true { return }
                continue
            case .caughtUp:
                if !onCaughtUp() || stop?.isSet == true { return }
                source.waitForData(options.pollInterval)
                if stop?.isSet == true { return }
                continue
            }
            let end = filled + n
            var i = filled
            if skipping {
                guard let hit = memchr(base + filled, 0x0A, n) else {
                    // Still inside the overlong line: drop what was read.
                    baseOffset += end
                    start = 0
                    filled = 0
                    continue
                }
                skipping = false
                start = UnsafeMutablePointer(hit.assumingMemoryBound(to: UInt8.self)) - base + 1
                committedOffset = baseOffset + start
                i = start
            }
            var stopped = false
            while i < end, let hit = memchr(base + i, 0x0A, end - i) {
                let newline = UnsafeMutablePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
                lineNumber += 1
                committedOffset = baseOffset + newline + 1
                let line = UnsafeBufferPointer(start: base + start, count: newline - start)
                let goOn = line.count > maxLineBytes
                    ? onOverlongLine(UnsafeBufferPointer(rebasing: line.prefix(overlongPrefix)), lineNumber)
                    : body(line, lineNumber)
                if !goOn { stopped = true; break }
                start = newline + 1
                i = newline + 1
            }
            filled = end
            if !stopped && filled - start > maxLineBytes {
                // The line read so far is already too long: report it now, skip the rest unread.
                lineNumber += 1
                let prefix = UnsafeBufferPointer(start: base + start, count: min(overlongPrefix, filled - start))
                if !onOverlongLine(prefix, lineNumber) { stopped = true }
                skipping = true
                baseOffset += filled
                start = 0
                filled = 0
            }
            onChunkEnd()
            if stopped || stop?.isSet == true { return }
            if start == filled {
                baseOffset += filled
                start = 0
                filled = 0
            }
        }
    }

    // MARK: opening

    /// Whether the file starts with gzip's magic bytes (read without moving its offset).
    private static func isGzip(_ fd: Int32) -> Bool {
        var head: [UInt8] = [0, 0]
        return pread(fd, &head, 2, 0) == 2 && head == GzipDecoder.magic
    }

    /// The offset just after the last newline before `size` (0 if none): `--from end` starts there, so a
    /// line its writer is still writing is read whole.
    private static func startOfLastLine(_ fd: Int32, size: Int) -> Int {
        var end = size
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while end > 0 {
            let length = min(chunk.count, end)
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(end - length)) }
            guard n == length else { return size }
            if let index = chunk[..<length].lastIndex(of: 0x0A) { return end - length + index + 1 }
            end -= length
        }
        return 0
    }

    /// A regular file with this inode in the directory of `path` (a rotated log: `audit.log.1`,
    /// `audit-2024-05-14T10-00-00.000.log` …), opened.
    private static func findFile(inode: UInt64, device: UInt64, beside path: String) -> (String, FileSource.Opened)? {
        let directory = (path as NSString).deletingLastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        for name in names.sorted() {
            let candidate = directory + "/" + name
            var info = stat()
            guard lstat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
                  UInt64(info.st_ino) == inode, UInt64(info.st_dev) == device else { continue }
            if case .opened(let file) = FileSource.open(candidate), file.inode == inode {
                return (candidate, file)
            }
        }
        return nil
    }
}
