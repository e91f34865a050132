import Foundation
import TestSupport
import XCTest

/// The real `EvaluatorService` binary (TestSupport's `ServiceProcess`); a start failure skips the test.
typealias EvaluatorProcess = ServiceProcess

extension ServiceProcess {
    convenience init(arguments: [String] = [], listen: String = "127.0.0.1:0", standardOutput: FileHandle? = nil) throws {
        do { try self.init("EvaluatorService", arguments: arguments, listen: listen, standardOutput: standardOutput) }
        catch let failure as StartFailure { throw XCTSkip("\(failure)") }
    }

    /// An EvaluatorService with `--http-listen 127.0.0.1:0` and `arguments`, its stdout in the file
    /// `stdout` (made empty) when given; with its HTTP port.
    static func withHTTP(_ arguments: [String], stdout: String? = nil) throws -> (EvaluatorProcess, Int) {
        let handle = try stdout.map { path -> FileHandle in
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        }
        let service = try EvaluatorProcess(arguments: ["--http-listen", "127.0.0.1:0"] + arguments, standardOutput: handle)
        guard let port = MetricsScrape.httpPort(of: service) else {
            service.stop()
            throw NoHTTPPort(description: "EvaluatorService did not say its HTTP port; log: \(service.logText)")
        }
        return (service, port)
    }
}

struct NoHTTPPort: Error, CustomStringConvertible {
    var description: String
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
