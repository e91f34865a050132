import Foundation

/// A service's HTTP listener (`--http-listen 127.0.0.1:0`) seen through real clients: curl for requests,
/// Python's `prometheus_client` text parser for `/metrics`.
public enum MetricsScrape {
    public static let parserMissing = "Python prometheus_client is not importable (scripts/install-deps.sh installs it)"

    /// One sample of the exposition, as `prometheus_client.parser.text_string_to_metric_families` reads it.
    public struct Sample: Decodable, Sendable {
        public var family: String
        public var type: String
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public struct Response: Sendable {
        public var status: Int
        public var body: String
    }

    /// The HTTP port a service logged (`http listening on 127.0.0.1:PORT`), waiting up to 10 s for the line.
    public static func httpPort(of service: ServiceProcess) -> Int? {
        let deadline = Date().addingTimeInterval(10)
        repeat {
            let log = service.logText
            if let range = log.range(of: #"http listening on 127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                return Int(log[range].split(separator: ":").last!)
            }
            usleep(20_000)
        } while Date() < deadline
        return nil
    }

    /// `curl` with `arguments` (a URL among them): the status code and the body.
    public static func curl(_ arguments: [String]) throws -> Response {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-sS", "--max-time", "20", "-o", "-", "-w", "\n%{http_code}"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var text = String(decoding: data, as: UTF8.self)
        let newline = text.lastIndex(of: "\n") ?? text.startIndex
        let status = Int(text[text.index(after: newline)...].trimmingCharacters(in: .whitespaces)) ?? 0
        text = String(text[..<newline])
        return Response(status: status, body: text)
    }

    /// `GET http://127.0.0.1:PORT/PATH`.
    public static func get(port: Int, _ path: String, extra: [String] = []) throws -> Response {
        try curl(extra + ["http://127.0.0.1:\(port)\(path)"])
    }

    /// The Python that parses metrics: the first `python3` on PATH, when it imports prometheus_client.
    public static func python() -> URL? {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("python3") }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else { return nil }
        let probe = Process()
        probe.executableURL = python
        probe.arguments = ["-c", "import prometheus_client.parser"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return nil }
        probe.waitUntilExit()
        return probe.terminationStatus == 0 ? python : nil
    }

    /// Parses an exposition with `prometheus_client` (Tests/ServiceTests/python/parse_metrics.py).
    public static func parse(_ exposition: String, python: URL) throws -> [Sample] {
        let script = Pspctl.packageRoot.appendingPathComponent("Tests/ServiceTests/python/parse_metrics.py")
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        nonisolated(unsafe) var data = Data(), errorData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { data = output.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errorData = errors.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        input.fileHandleForWriting.write(Data(exposition.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        guard process.terminationStatus == 0 else {
            throw ParseFailure(message: String(decoding: errorData, as: UTF8.self))
        }
        return try JSONDecoder().decode([Sample].self, from: data)
    }

    public struct ParseFailure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { "prometheus_client could not parse /metrics: \(message)" }
    }

    /// Scrapes `/metrics` and parses it.
    public static func scrape(port: Int, python: URL) throws -> [Sample] {
        let response = try get(port: port, "/metrics")
        guard response.status == 200 else { throw ParseFailure(message: "GET /metrics answered \(response.status)") }
        return try parse(response.body, python: python)
    }
}

extension Array where Element == MetricsScrape.Sample {
    /// The value of the sample `name` whose labels include `labels`, summed over the samples that match
    /// (0 when none does).
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
            .reduce(0) { $0 + $1.value }
    }

    /// The samples named `name`.
    public func samples(_ name: String) -> [MetricsScrape.Sample] { filter { $0.name == name } }
}
