import Foundation

/// A small HTTP receiver on loopback (`Tests/CLITests/python/alert_receiver.py`) for the
/// `--alerts-http` tests: records every request body and its headers. `stop()` (in a defer) always
/// ends it; `restart()` stops it and starts a new one on the same port, keeping what was recorded.
public final class AlertReceiver: @unchecked Sendable {
    public let directory: URL
    public let status: Int
    /// `127.0.0.1`, or `::1`.
    public let host: String
    public private(set) var port = 0
    /// https with these PEM files (the receiver's certificate and key, and a client CA it requires).
    public let tls: (certificate: String, key: String, clientCA: String?)?
    private var process: Process?

    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }

    public static let script = Pspctl.packageRoot.appendingPathComponent("Tests/CLITests/python/alert_receiver.py")

    public init(status: Int = 200, host: String = "127.0.0.1", tls: (certificate: String, key: String, clientCA: String?)? = nil) throws {
        directory = try ScratchDirectory.make()
        self.status = status
        self.host = host
        self.tls = tls
        try start(port: 0)
    }

    /// `http://127.0.0.1:PORT/PATH` (https with `tls`); `host` instead of the address when given.
    public func url(path: String = "/", host name: String? = nil) -> String {
        "\(tls == nil ? "http" : "https")://\(name ?? (host.contains(":") ? "[\(host)]" : host)):\(port)\(path)"
    }

    private var bodiesPath: String { directory.appendingPathComponent("bodies").path }
    private var requestsPath: String { directory.appendingPathComponent("requests.jsonl").path }

    private func start(port: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, "--host", host, "--port", String(port), "--status", String(status),
                             "--bodies", bodiesPath, "--requests", requestsPath]
        if let tls {
            process.arguments! += ["--tls-cert", tls.certificate, "--tls-key", tls.key]
            if let clientCA = tls.clientCA { process.arguments! += ["--tls-client-ca", clientCA] }
        }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        // The first line it writes is `listening on HOST:PORT` (or why it could not start).
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        while !text.contains("\n"), Date() < deadline {
            let data = errors.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let range = text.range(of: #"listening on [0-9a-f.:]+:[0-9]+"#, options: .regularExpression),
              let bound = Int(text[range].split(separator: ":").last!) else {
            stop()
            throw StartFailure(description: "the alert receiver did not start: \(text)")
        }
        self.port = bound
    }

    /// Stops it and starts a new one on the same port after `pause` seconds.
    public func restart(after pause: Double = 0) throws {
        stop()
        if pause > 0 { usleep(UInt32(pause * 1_000_000)) }
        var lastError: Error?
        for _ in 0..<20 {
            do { try start(port: port); return } catch { lastError = error; usleep(100_000) }
        }
        throw lastError!
    }

    public func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Every body received, in order (each body is one alert line).
    public var bodies: [String] {
        guard let data = FileManager.default.contents(atPath: bodiesPath) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }

    /// Every request's method, path and headers (`method`, `path`, `content_type`, `user_agent`, `host`),
    /// and over https the name the client sent (`sni`, null without one).
    public var requests: [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: requestsPath) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Waits until `count` bodies arrived (or `seconds` passed); returns whether they did.
    @discardableResult
    public func waitForBodies(_ count: Int, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if bodies.count >= count { return true }
            usleep(20_000)
        }
        return bodies.count >= count
    }
}
