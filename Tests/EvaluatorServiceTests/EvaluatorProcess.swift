import Foundation
import TestSupport
import XCTest

/// The real `EvaluatorService` binary on a loopback port it picks (`--listen 127.0.0.1:0`; the port is
/// read from its "listening on" log line). `stop()` kills it; tests call it from tearDown.
final class EvaluatorProcess: @unchecked Sendable {
    let process = Process()
    private(set) var port = 0
    private let log = Pipe()
    private let lock = NSLock()
    private var logText = ""
    var address: String { "127.0.0.1:\(port)" }

    init(arguments: [String] = []) throws {
        process.executableURL = Pspctl.productsDirectory.appendingPathComponent("EvaluatorService")
        process.arguments = ["--listen", "127.0.0.1:0"] + arguments
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let reader = log.fileHandleForReading
        let found = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [self] in
            var signalled = false
            while true {
                let data = reader.availableData
                if data.isEmpty { break }
                let port: Int? = lock.withLock {
                    logText += String(decoding: data, as: UTF8.self)
                    guard let range = logText.range(of: #"listening on 127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else { return nil }
                    return Int(logText[range].split(separator: ":").last!)
                }
                if let port, !signalled {
                    self.port = port
                    signalled = true
                    found.signal()
                }
            }
            if !signalled { found.signal() }
        }
        if found.wait(timeout: .now() + 30) == .timedOut || port == 0 {
            stop()
            throw XCTSkip("EvaluatorService did not start: \(lock.withLock { logText })")
        }
    }

    /// Everything it logged so far.
    var logged: String { lock.withLock { logText } }

    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// Falco 0.31.1's own rules files and the CLI's fixtures.
enum Inputs {
    static let k8sAuditRules = Pspctl.falcoRulesFile("k8s_audit_rules.yaml")
    static let falcoRules = Pspctl.falcoRulesFile("falco_rules.yaml")
    static let cliFixtures = Pspctl.packageRoot.appendingPathComponent("Tests/CLITests/Fixtures")

    static func requireFalcoRules() throws {
        guard FileManager.default.fileExists(atPath: k8sAuditRules), FileManager.default.fileExists(atPath: falcoRules) else {
            throw XCTSkip("Falco 0.31.1's rules files are not in ../shared/fixtures/falco-0.31.1/rules")
        }
    }

    static func auditLogs() throws -> [String] {
        let directory = cliFixtures.appendingPathComponent("k8s_audit_rules")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".jsonl") }.sorted().map { directory.appendingPathComponent($0).path }
    }
}
