import Foundation

/// `--alerts-file`: the alert lines appended to a file, byte for byte as stdout gets them (the
/// `OutputBuffer` writes each chunk to both), fsync'd at the end. Created with mode 0600 when absent
/// (alerts name users and pods); an existing file keeps its mode and is appended to.
public final class AlertFile: @unchecked Sendable {
    // Invariant: used by the one thread that writes alerts (the `OutputBuffer`'s owner), then finished.
    public let path: String
    private var fileDescriptor: Int32
    /// The first write or sync error (reported at the end, exit status 2); later writes are skipped.
    public private(set) var failure: String?

    public struct OpenError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(path: String) throws(OpenError) {
        guard !path.isEmpty else { throw OpenError(description: "--alerts-file needs a file name") }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw OpenError(description: "cannot open the alerts file \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw OpenError(description: "cannot open the alerts file \(path): it is a directory")
        }
        self.path = path
        fileDescriptor = fd
    }

    /// Appends `bytes` whole (O_APPEND: each write lands at the end, even if another process appends).
    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, fileDescriptor >= 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let n = Foundation.write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                failure = "could not write the alerts file \(path): \(String(cString: strerror(errno)))"
                return
            }
            offset += n
        }
    }

    /// Syncs and closes the file; false when a write or the sync failed (`failure` says why).
    public func finish() -> Bool {
        guard fileDescriptor >= 0 else { return failure == nil }
        if failure == nil, fsync(fileDescriptor) != 0 {
            failure = "could not sync the alerts file \(path): \(String(cString: strerror(errno)))"
        }
        close(fileDescriptor)
        fileDescriptor = -1
        return failure == nil
    }
}
