import Foundation

/// What one read of a log source gave.
enum SourceRead {
    /// This many bytes were read.
    case bytes(Int)
    /// The log's end (not followed, or standard input closed).
    case end
    /// Followed: nothing more for now (the reader flushes, then waits with `waitForData`).
    case caughtUp
    /// Followed: the file was rotated (renamed away, a new file at the path) or truncated, after the
    /// old content was read to its end; what follows comes from the start of the (new) file. `what`
    /// says which, for messages.
    case boundary(what: String)
    case error(String)
}

/// Where the reader's bytes come from: a descriptor (standard input, a pipe, any file not followed as a
/// regular file), a regular file (followed or not, its position known), or a gzip file.
protocol LogSource: AnyObject {
    func read(into destination: UnsafeMutablePointer<UInt8>, count: Int) -> SourceRead
    /// Followed and caught up: waits up to `interval` for more.
    func waitForData(_ interval: Duration)
    /// The inode and offset of the next byte read (nil when the source has no position).
    var location: (inode: UInt64, offset: Int)? { get }
}

/// Standard input, a pipe or a device: read until its end. Followed (`--follow` on standard input), it
/// is polled, so that a stop (SIGINT, SIGTERM) is seen while it is quiet.
final class DescriptorSource: LogSource {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let follow: Bool

    init(fd: Int32, ownsDescriptor: Bool, follow: Bool) {
        self.fd = fd; self.ownsDescriptor = ownsDescriptor; self.follow = follow
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    var location: (inode: UInt64, offset: Int)? { nil }

    func read(into destination: UnsafeMutablePointer<UInt8>, count: Int) -> SourceRead {
        while true {
            if follow {
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&entry, 1, 0)
                if ready == 0 || (ready < 0 && errno == EINTR) { return .caughtUp }
            }
            let n = Foundation.read(fd, destination, count)
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .error("error reading the audit log: \(String(cString: strerror(errno)))")
            }
            return n == 0 ? .end : .bytes(n)
        }
    }

    func waitForData(_ interval: Duration) {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, Int32(clamping: interval.milliseconds))
    }
}

/// A gzip file, decompressed as it is read (never followed: a compressed file does not grow).
final class GzipSource: LogSource {
    private let fd: Int32
    private let decoder: GzipDecoder

    init(fd: Int32, name: String) throws {
        self.fd = fd
        do {
            decoder = try GzipDecoder(fd: fd, name: name)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        close(fd)
    }

    var location: (inode: UInt64, offset: Int)? { nil }

    func read(into destination: UnsafeMutablePointer<UInt8>, count: Int) -> SourceRead {
        switch decoder.read(into: destination, count: count) {
        case .bytes(let n): .bytes(n)
        case .end: .end
        case .error(let message): .error(message)
        }
    }

    func waitForData(_ interval: Duration) {}
}

/// A regular file, read from an offset; followed, it is read as it grows and across rotations:
/// - renamed away and a new file created at the path (the path's inode changes): the old file is read
///   to its end first, then the new one from its start;
/// - copytruncate (the file shrinks below the offset read): read again from its start.
/// It can also start on a rotated file found beside the path (a resumed run whose log rotated while it
/// was stopped), the path's file following it.
final class FileSource: LogSource {
    /// The path as given (messages) and the file's device and inode.
    private let path: String
    private let follow: Bool
    private var fd: Int32
    private var device: UInt64
    private var inode: UInt64
    private var offset: Int
    /// The path's file, opened at the start, read after the current one (a rotated file found beside it).
    private var next: (fd: Int32, device: UInt64, inode: UInt64)?
    /// A rotation was seen; the old file gets one more read to its end before the switch.
    private var rotationSeen = false

    struct Opened {
        var fd: Int32
        var device: UInt64
        var inode: UInt64
        var size: Int
    }

    init(path: String, current: Opened, offset: Int, follow: Bool, then next: Opened? = nil) {
        self.path = path
        self.follow = follow
        fd = current.fd
        device = current.device
        inode = current.inode
        self.offset = offset
        self.next = next.map { ($0.fd, $0.device, $0.inode) }
        if offset > 0 { lseek(fd, off_t(offset), SEEK_SET) }
    }

    deinit {
        close(fd)
        if let next { close(next.fd) }
    }

    var location: (inode: UInt64, offset: Int)? { (inode, offset) }

    enum OpenOutcome {
        case opened(Opened)
        /// `open` or `fstat` failed with this errno.
        case failed(Int32)
        case notRegular(fd: Int32)
    }

    /// Opens `path`; a file that is not regular is handed back open (the caller reads it another way).
    static func open(_ path: String) -> OpenOutcome {
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failed(errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = errno
            close(fd)
            return .failed(error)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .notRegular(fd: fd) }
        return .opened(Opened(fd: fd, device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size)))
    }

    func read(into destination: UnsafeMutablePointer<UInt8>, count: Int) -> SourceRead {
        while true {
            let n = Foundation.read(fd, destination, count)
            if n < 0 {
                if errno == EINTR { continue }
                return .error("error reading the audit log: \(String(cString: strerror(errno)))")
            }
            if n > 0 {
                offset += n
                return .bytes(n)
            }
            // The end of the current file.
            if let upcoming = next {
                close(fd)
                (fd, device, inode) = upcoming
                next = nil
                offset = 0
                return .boundary(what: "rotated")
            }
            guard follow else { return .end }
            var info = stat()
            if fstat(fd, &info) == 0 {
                if Int(info.st_size) < offset {
                    // copytruncate: the content up to `offset` was copied away; the writer goes on at the start.
                    lseek(fd, 0, SEEK_SET)
                    offset = 0
                    rotationSeen = false
                    return .boundary(what: "truncated")
                }
                if Int(info.st_size) > offset { continue }
            }
            var atPath = stat()
            if stat(path, &atPath) == 0, UInt64(atPath.st_ino) != inode || UInt64(atPath.st_dev) != device {
                // Renamed away, a new file at the path: drain the old one (its writer may have added a
                // last line since the read above), then switch.
                if !rotationSeen {
                    rotationSeen = true
                    continue
                }
                let opened: Opened
                switch Self.open(path) {
                case .opened(let file):
                    opened = file
                case .failed(let error) where error == ENOENT:
                    return .caughtUp   // gone again between stat and open: later
                case .failed(let error):
                    return .error("error reading the audit log: cannot open the new \(path) after a rotation: \(String(cString: strerror(error)))")
                case .notRegular(let other):
                    close(other)
                    return .error("error reading the audit log: the new \(path) after a rotation is not a regular file")
                }
                close(fd)
                fd = opened.fd
                device = opened.device
                inode = opened.inode
                offset = 0
                rotationSeen = false
                return .boundary(what: "rotated")
            }
            return .caughtUp
        }
    }

    func waitForData(_ interval: Duration) {
        let nanoseconds = interval.components.seconds * 1_000_000_000 + interval.components.attoseconds / 1_000_000_000
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
