import Foundation
import K8sAuditFields
import RulesEngine
import SyscallFields

/// A write buffer over a file descriptor (alerts can be many; one write per chunk, not per alert).
public struct OutputBuffer {
    public let fileDescriptor: Int32
    private var buffer: [UInt8] = []
    /// `--alerts-file`: every chunk written to stdout is appended there too, right after.
    public var copy: AlertFile?
    /// Held while a chunk is written, when several buffers (one per source of a run) share the descriptor:
    /// chunks hold whole lines, so lines never interleave.
    public var lock: NSLock?

    public init(fileDescriptor: Int32, copy: AlertFile? = nil, lock: NSLock? = nil) {
        self.fileDescriptor = fileDescriptor
        self.copy = copy
        self.lock = lock
        buffer.reserveCapacity(1 << 16)
    }

    /// The bytes buffered from `start` on (the alert line just written, for a sink that wants it too).
    public func withBytes<R>(from start: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer[start...].withUnsafeBytes(body)
    }

    /// How many bytes are buffered (where the next line starts).
    public var count: Int { buffer.count }

    public mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        flushIfFull()
    }

    /// One alert line (with its newline), rendered straight into the buffer (flushed by `flushIfFull`).
    public mutating func writeAlert(_ formatter: AlertFormatter, _ rule: borrowing CompiledRule, _ context: K8sEventContext) {
        formatter.write(rule, context, to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// One syscall alert line (with its newline).
    public mutating func writeAlert(_ formatter: AlertFormatter, _ rule: borrowing CompiledRule, _ event: SensorEvent) {
        formatter.write(rule, event, to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// A line received ready-made (a remote alert's), with its newline.
    public mutating func writeLine(_ line: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: line)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Writes the buffer out once it holds 64 KiB (one write per chunk, not per alert).
    public mutating func flushIfFull() {
        if buffer.count >= 1 << 16 { flush() }
    }

    public mutating func flush() {
        lock?.lock()
        defer { lock?.unlock() }
        var offset = 0
        while offset < buffer.count {
            let n = buffer[offset...].withUnsafeBytes { Foundation.write(fileDescriptor, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            offset += n
        }
        if let copy, !buffer.isEmpty { buffer.withUnsafeBytes { copy.write($0) } }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A one-line live count on a terminal's stderr, redrawn at most twice a second.
public struct ProgressLine {
    private var lastDraw = ContinuousClock.now
    private var drawn = false

    public init() {}

    public mutating func update(_ text: String) {
        let now = ContinuousClock.now
        guard now - lastDraw >= .milliseconds(500) else { return }
        lastDraw = now
        drawn = true
        FileHandle.standardError.write(Data("\r\u{1B}[Kpspctl watch: \(text)".utf8))
    }

    public mutating func clear() {
        guard drawn else { return }
        drawn = false
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
