import Foundation
import Synchronization

/// Where reading of an audit log file stands: the file (its path and inode) and the byte offset just
/// after the last line read. Only regular files have one (not standard input, not a gzip file).
public struct LogPosition: Codable, Equatable, Sendable {
    /// The log's path as given, made absolute (symbolic links kept: the path is what rotates).
    public var path: String
    public var inode: UInt64
    public var offset: Int

    public init(path: String, inode: UInt64, offset: Int) {
        self.path = path; self.inode = inode; self.offset = offset
    }
}

/// `watch --state-file F`: the position, as one small JSON object (`{"inode":…,"offset":…,"path":"…"}`),
/// replaced atomically (written beside it as `F.tmp`, then renamed over it).
public struct WatchStateFile: Sendable {
    public let path: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(path: String) {
        self.path = path
    }

    /// A state is one short line; a file larger than this is not one.
    static let maxBytes = 64 << 10

    /// The recorded position; nil when the file does not exist yet (or is empty: a fresh `touch`).
    public func load() throws -> LogPosition? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw failure("cannot read the state file \(path)")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("cannot read the state file \(path)") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw Failure(description: "the state file \(path) is not a regular file")
        }
        guard Int(info.st_size) <= Self.maxBytes else {
            throw Failure(description: "the state file \(path) is not a pspctl watch state: it is larger than \(Self.maxBytes) bytes")
        }
        var data = Data(count: Int(info.st_size))
        let count = data.count
        let n = data.withUnsafeMutableBytes { read(fd, $0.baseAddress, count) }
        guard n >= 0 else { throw failure("cannot read the state file \(path)") }
        data = data.prefix(n)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        let position: LogPosition
        do {
            position = try JSONDecoder().decode(LogPosition.self, from: data)
        } catch {
            throw Failure(description: "the state file \(path) is not a pspctl watch state (a JSON object with inode, offset and path): \(Self.decodingProblem(error))")
        }
        guard position.offset >= 0, position.path.hasPrefix("/") else {
            throw Failure(description: "the state file \(path) is not a pspctl watch state: its offset must be 0 or more and its path absolute")
        }
        return position
    }

    /// Replaces the recorded position; `durable`: fsync'd before the rename (at exit).
    public func save(_ position: LogPosition, durable: Bool) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(position)
        data.append(0x0A)
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot write the state file \(temporary)") }
        var ok = data.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        if ok && durable { ok = fsync(fd) == 0 }
        let writeErrno = errno
        close(fd)
        guard ok else {
            errno = writeErrno
            throw failure("cannot write the state file \(temporary)")
        }
        guard rename(temporary, path) == 0 else { throw failure("cannot replace the state file \(path)") }
    }

    private func failure(_ what: String) -> Failure {
        Failure(description: "\(what): \(String(cString: strerror(errno)))")
    }

    private static func decodingProblem(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "no \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            context.codingPath.isEmpty ? "not a JSON object"
                : "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty ? "not JSON, or a number out of range"
                : "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has an invalid value"
        default: "\(error)"
        }
    }
}

/// Records the position in a state file as a run goes (after each stretch whose alerts are written)
/// and at its end. Touched by one thread (or task) at a time.
public final class StateRecorder: @unchecked Sendable {
    public let file: WatchStateFile
    private var recorded: LogPosition?
    /// Why recording failed (the run stops; exit status 2).
    public private(set) var failure: String?

    public init(file: WatchStateFile) {
        self.file = file
    }

    /// The position recorded last.
    public var lastRecorded: LogPosition? { recorded }

    /// At the end of a run: the last position again, fsync'd. Returns false when recording failed (now
    /// or before).
    @discardableResult
    public func finish() -> Bool {
        guard let recorded else { return failure == nil }
        return record(recorded, durable: true)
    }

    /// Writes `position` when it differs from the one recorded last (always when `durable`). Returns
    /// false when that failed (`failure` says why).
    @discardableResult
    public func record(_ position: LogPosition?, durable: Bool = false) -> Bool {
        guard failure == nil else { return false }
        guard let position, durable || position != recorded else { return true }
        do {
            try file.save(position, durable: durable)
            recorded = position
            return true
        } catch {
            failure = "\(error)"
            return false
        }
    }
}

/// Signals caught by `StopFlag.catchSignals`, counted by the handler itself (lock-free, so
/// async-signal-safe): a process has one set of signal dispositions, so one count serves every flag.
private let caughtSignals = Atomic<Int>(0)

/// Set to stop a followed read: by SIGINT or SIGTERM (`catchSignals`), or by the run itself. The reader
/// checks it after each chunk and while it waits for the log to grow.
public final class StopFlag: @unchecked Sendable {
    // Invariant: `stopped` is touched under `lock` only.
    private let lock = NSLock()
    private var stopped = false
    private var catching = false

    public init() {}

    public var isSet: Bool {
        lock.withLock { stopped || (catching && caughtSignals.load(ordering: .relaxed) > 0) }
    }

    public func set() {
        lock.withLock { stopped = true }
    }

    /// From now on SIGINT and SIGTERM set the flag instead of ending the process. A second one, while the
    /// run is still stopping, ends the process at once with status 128 + the signal's number, as the
    /// default action would report it. A plain signal handler, not a DispatchSource: libdispatch on Linux
    /// reads signals through a signalfd that only sees a signal blocked in the thread it is sent to, and
    /// threads started before the source (the runtime's, gRPC's) do not block it, so a signal could go
    /// to one of them and be lost.
    public func catchSignals(_ numbers: [Int32] = [SIGINT, SIGTERM]) {
        lock.withLock { catching = true }
        for number in numbers {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                if caughtSignals.add(1, ordering: .sequentiallyConsistent).newValue > 1 { _exit(128 + signal) }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }
}
