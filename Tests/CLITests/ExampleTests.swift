import Foundation
import XCTest
import TestSupport

/// The README's first command, run from the package root exactly as written there.
final class ExampleTests: XCTestCase {
    private let readmeCommand = ["watch", "--rules", "../shared/fixtures/falco-0.31.1/rules/k8s_audit_rules.yaml",
                                 "--audit-log", "examples/audit.jsonl"]

    /// One entry per line of examples/audit.jsonl (see the events' verbs, users and specs).
    private let expected: [String?] = [
        nil,                                                  // kubernetes-admin reads a pod
        "Disallowed K8s User",                                // alice lists secrets
        nil,                                                  // the ReplicaSet controller creates an ordinary pod
        "Create Privileged Pod",
        "Create Sensitive Mount Pod",                         // hostPath /var/run/docker.sock
        "Create HostNetwork Pod",
        "Create NodePort Service",
        "Create/Modify Configmap With Private Credentials",
        "Anonymous Request Allowed",
        "Attach/Exec Pod",                                    // ResponseStarted
        nil,                                                  // the same kind of exec at ResponseComplete
        "Create Disallowed Namespace",
        "Pod Created in Kube Namespace",
        "Attach to cluster-admin Role",
        "ClusterRole With Wildcard Created",
        "K8s Deployment Created",
        "K8s Secret Created",
        "Ingress Object without TLS Certificate Created",
        nil,                                                  // a watch at ResponseStarted
        nil,                                                  // the scheduler binds a pod
        nil,                                                  // a service account reads a configmap
    ]

    func testReadmeCommandPrintsTextAlerts() throws {
        let result = try Pspctl.run(readmeCommand, currentDirectory: Pspctl.packageRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines.count, expected.compactMap { $0 }.count, result.stdout)
        for line in result.stdoutLines {
            XCTAssertNotNil(line.range(of: #"^\d\d:\d\d:\d\d\.\d{9}: (Warning|Notice|Informational) "#, options: .regularExpression), line)
        }
    }

    func testReadmeExampleVerdicts() throws {
        let result = try Pspctl.run(readmeCommand + ["--output", "json"], currentDirectory: Pspctl.packageRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = try String(contentsOf: Pspctl.packageRoot.appendingPathComponent("examples/audit.jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let alerts = try AlertsByLine(JSONAlert.parseAll(result), lines: lines)
        XCTAssertEqual(alerts.verdicts, expected)
        XCTAssertEqual(alerts.unmatched.count, 0)
    }

    /// `scripts/example.sh` on a copy of the repository's tracked files with no `../shared` beside it: it
    /// runs on rules pspctl writes itself, catches the privileged pod once the PSP's image annotation is
    /// removed, and says that Falco's rules file is absent. `PSPCTL_BIN` reuses the built binary.
    func testExampleScriptRunsWithoutShared() throws {
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", Pspctl.packageRoot.path, "ls-files", "-z"]
        let pipe = Pipe()
        git.standardOutput = pipe
        try git.run()
        let listing = pipe.fileHandleForReading.readDataToEndOfFile()
        git.waitUntilExit()
        try XCTSkipIf(git.terminationStatus != 0, "not a git checkout")
        let files = listing.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        XCTAssertTrue(files.contains("scripts/example.sh"))

        let clone = try ScratchDirectory.make().appendingPathComponent("pspctl")
        for file in files {
            let source = Pspctl.packageRoot.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: source.path) else { continue }
            let destination = clone.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: source, to: destination)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: clone.appendingPathComponent("../shared").standardized.path))

        let result = try MeasuredRun.run("/bin/bash", [clone.appendingPathComponent("scripts/example.sh").path],
                                         environment: ["PSPCTL_BIN": Pspctl.executable.path], timeLimit: 120)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.components(separatedBy: "validation failure--pod with privileged=true").count - 1, 1,
                       "the PSP without its annotation catches the privileged pod; with it, it does not: \(result.stdout)")
        XCTAssertTrue(result.stdout.contains(#"would violate PodSecurity "baseline:latest": privileged"#), result.stdout)
        XCTAssertTrue(result.stderr.contains("without its image annotation"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Falco's k8s_audit_rules.yaml is not at ../shared/fixtures/falco-0.31.1/rules/k8s_audit_rules.yaml, so its part of the example is skipped"),
                      result.stderr)
    }
}
