import Foundation

/// An audit log file made at test time that a test grows, rotates and truncates while `pspctl watch
/// --follow` reads it. Event `n` is a generated `get` of pods with auditID `event-n` and its own
/// stageTimestamp; `rulesFile` holds one rule that alerts every such event with its auditID, so the
/// alerts name exactly the events read, in the order read.
public final class GrowingAuditLog: @unchecked Sendable {
    public let directory: URL
    /// The log's path (what `--audit-log` names).
    public let path: String

    public init(name: String = "audit.log") throws {
        directory = try ScratchDirectory.make()
        path = directory.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
    }

    /// A file beside the log.
    public func sibling(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// One audit event line (without its newline).
    public static func event(_ n: Int) -> String {
        let second = n % 60, minute = (n / 60) % 60
        let time = String(format: "2024-05-14T10:%02d:%02d.%06dZ", minute, second, n)
        return #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"event-\#(n)","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods","verb":"get","user":{"username":"alice","groups":["system:authenticated"]},"sourceIPs":["10.0.0.1"],"objectRef":{"resource":"pods","namespace":"default","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"\#(time)","stageTimestamp":"\#(time)"}"#
    }

    /// Events `numbers`, one line each (each with its newline).
    public static func lines(_ numbers: some Sequence<Int>) -> String {
        numbers.map { event($0) + "\n" }.joined()
    }

    /// A rules file alerting every event of `event(_:)` as `event-N`.
    public static func rulesFile() throws -> String {
        try Pspctl.temporaryFile("""
            - rule: Every pod read
              desc: alerts every get of pods, naming the event
              condition: ka.verb=get and ka.target.resource=pods
              output: "read %ka.auditid"
              priority: NOTICE
              source: k8s_audit
            """, suffix: ".yaml")
    }

    /// Appends `text` to the file at `path` (the log by default), as a writer holding it open would.
    public func append(_ text: String, to file: String? = nil) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file ?? path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Appends events `numbers`.
    public func append(events numbers: some Sequence<Int>, to file: String? = nil) throws {
        try append(Self.lines(numbers), to: file)
    }

    /// Rotation by rename: the log becomes `rotatedName`, and a new, empty log takes its path.
    public func rotate(to rotatedName: String, createNew: Bool = true) throws {
        let rotated = sibling(rotatedName)
        guard rename(path, rotated) == 0 else { throw Failure("rename: \(String(cString: strerror(errno)))") }
        if createNew { _ = FileManager.default.createFile(atPath: path, contents: Data()) }
    }

    /// copytruncate: a copy to `copyName`, then the log truncated to nothing (same inode).
    public func copyTruncate(to copyName: String) throws {
        try FileManager.default.copyItem(atPath: path, toPath: sibling(copyName))
        guard truncate(path, 0) == 0 else { throw Failure("truncate: \(String(cString: strerror(errno)))") }
    }

    public var inode: UInt64 {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : 0
    }

    public var size: Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// The auditIDs' numbers named by `--output json` alert lines (`event-N` → N), in order; a line
    /// that is not such an alert is -1.
    public static func alertedEvents(_ lines: [String]) -> [Int] {
        lines.map { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let fields = object["output_fields"] as? [String: Any],
                  let id = fields["ka.auditid"] as? String, id.hasPrefix("event-"),
                  let number = Int(id.dropFirst("event-".count)) else { return -1 }
            return number
        }
    }
}
