import Foundation
import PolicyReport
import TestSupport
import XCTest
import YAMLKit

/// `pspctl report --format policyreport` and `--format openreports`, run as a user runs them on the log of
/// `ReportTests` (three namespaces, a Deployment, a CronJob, bare pods, a pod logged without its object)
/// with several policies: every document is valid against the reports' schema (Fixtures/policy-reports,
/// written from the shared spec's field tables), and the documents, read back, say what `--format json`
/// says: per namespace and policy the same workloads fail, pass and are not judged, and each summary is the
/// count of its own results.
final class ReportFormatTests: XCTestCase {
    static let schemas = Fixtures.directory.appendingPathComponent("policy-reports")

    // MARK: Helpers

    /// The candidates: two Pod Security Standards levels at two versions, two PSPs and a rules file.
    static func policies() throws -> [String] {
        let psps = try Pspctl.temporaryFile(ReportTests.twoPSPs)
        // An output with YAML's indicators in it (`: `, ` #`, quotes): it must come back unchanged.
        let rules = try Pspctl.temporaryFile("""
            - rule: Privileged pod created
              desc: a pod with a privileged container
              condition: ka.verb=create and ka.target.resource=pods and ka.req.pod.containers.privileged intersects (true)
              output: "privileged: 'pod' by %ka.user.name #in %ka.target.namespace"
              priority: WARNING
              source: k8s_audit
            """)
        return ["--policy", "pss:baseline:v1.30", "--policy", "pss:restricted:latest", "--policy", "pss:restricted:v1.25",
                "--policy", "psp:\(psps)", "--policy", "rules:\(rules)"]
    }

    /// The documents of a YAML stream (split at `---` lines), each as its text.
    static func documents(_ stream: String) -> [String] {
        var documents: [String] = []
        var current: String?
        for line in stream.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "---" {
                if let current { documents.append(current) }
                current = ""
            } else if current != nil {
                current! += line + "\n"
            }
        }
        if let current { documents.append(current) }
        return documents
    }

    /// check-jsonschema (scripts/install-deps.sh pins it) on each document; the failures, or "" when all pass.
    static func schemaErrors(_ documents: [String], schema: String) throws -> (status: Int32, output: String) {
        let directory = try ScratchDirectory.make()
        var files: [String] = []
        for (index, document) in documents.enumerated() {
            let url = directory.appendingPathComponent("document-\(index + 1).yaml")
            try document.write(to: url, atomically: true, encoding: .utf8)
            files.append(url.path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try checkJSONSchema())
        process.arguments = ["--schemafile", schemas.appendingPathComponent(schema).path] + files
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    static func checkJSONSchema() throws -> String {
        var folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        folders += ["/usr/local/bin", NSHomeDirectory() + "/.local/bin"]
        for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/check-jsonschema") {
            return folder + "/check-jsonschema"
        }
        throw Missing()
    }

    /// A missing validator fails the test (CI installs it).
    struct Missing: Error, CustomStringConvertible {
        var description: String { "check-jsonschema is not installed: run scripts/install-deps.sh" }
    }

    struct ParsedResult {
        var policy: String
        var rule: String?
        var result: String
        var category: String?
        var severity: String?
        var message: String
        var workload: String
        var properties: [String: String]
        var source: String?
        var seconds: Int?
    }

    struct ParsedReport {
        var kind: String
        var name: String
        var namespace: String?
        var summary: [String: Int]
        var results: [ParsedResult]
        var node: YAMLNode
    }

    static func parse(_ document: String) throws -> ParsedReport {
        let node = try XCTUnwrap(try YAML.parseDocuments(document).first, document)
        var summary: [String: Int] = [:]
        for pair in node["summary"]?.mappingPairs ?? [] {
            summary[pair.key.scalarText ?? ""] = Int(pair.value.scalarText ?? "")
        }
        let results = try (node["results"]?.sequenceItems ?? []).map { item -> ParsedResult in
            let resource = try XCTUnwrap(item["resources"]?.sequenceItems?.first, "a result without resources[0]")
            var properties: [String: String] = [:]
            for pair in item["properties"]?.mappingPairs ?? [] { properties[pair.key.scalarText ?? ""] = pair.value.scalarText }
            return ParsedResult(
                policy: item["policy"]?.scalarText ?? "", rule: item["rule"]?.scalarText, result: item["result"]?.scalarText ?? "",
                category: item["category"]?.scalarText, severity: item["severity"]?.scalarText,
                message: item["message"]?.scalarText ?? "",
                workload: "\(resource["namespace"]?.scalarText ?? "")/\(resource["kind"]?.scalarText ?? "")/\(resource["name"]?.scalarText ?? "")",
                properties: properties, source: item["source"]?.scalarText,
                seconds: item["timestamp"]?["seconds"]?.scalarText.flatMap { Int($0) })
        }
        return ParsedReport(kind: node["kind"]?.scalarText ?? "", name: node["metadata"]?["name"]?.scalarText ?? "",
                            namespace: node["metadata"]?["namespace"]?.scalarText, summary: summary, results: results, node: node)
    }

    // MARK: Tests

    func testPolicyReportsAreValidAndSayWhatTheJSONReportSays() throws {
        let log = try ReportTests.logFile()
        let policies = try Self.policies()
        let json = try ReportTests.json(try ReportTests.report(policies + ["--format", "json"], log: log))
        let result = try ReportTests.report(policies + ["--format", "policyreport"], log: log)
        XCTAssertEqual(result.status, 0, result.stderr)
        let documents = Self.documents(result.stdout)
        XCTAssertEqual(documents.count, 3, "one report per namespace:\n\(result.stdout)")

        let validation = try Self.schemaErrors(documents, schema: "wgpolicyk8s.io_v1alpha2.schema.yaml")
        XCTAssertEqual(validation.status, 0, validation.output)

        let reports = try documents.map(Self.parse)
        XCTAssertEqual(reports.map(\.kind), ["PolicyReport", "PolicyReport", "PolicyReport"])
        XCTAssertEqual(reports.map(\.namespace), ["team-a", "team-b", "team-c"])
        XCTAssertEqual(reports.map(\.name), ["pspctl-team-a", "pspctl-team-b", "pspctl-team-c"])
        for report in reports {
            XCTAssertEqual(report.node["metadata"]?["labels"]?["app.kubernetes.io/managed-by"]?.scalarText, "pspctl")
            XCTAssertEqual(report.node["scope"]?["kind"]?.scalarText, "Namespace")
            XCTAssertEqual(report.node["scope"]?["name"]?.scalarText, report.namespace)
            XCTAssertNil(report.node["source"], "v1alpha2 has no report-level source")
        }
        try assertSameAsJSON(reports, json)
    }

    func testOpenReportsAreValidAndSayWhatTheJSONReportSays() throws {
        let log = try ReportTests.logFile()
        let policies = try Self.policies()
        let json = try ReportTests.json(try ReportTests.report(policies + ["--format", "json"], log: log))
        let result = try ReportTests.report(policies + ["--format", "openreports"], log: log)
        XCTAssertEqual(result.status, 0, result.stderr)
        let documents = Self.documents(result.stdout)
        let validation = try Self.schemaErrors(documents, schema: "openreports.io_v1alpha1.schema.yaml")
        XCTAssertEqual(validation.status, 0, validation.output)
        let reports = try documents.map(Self.parse)
        XCTAssertEqual(reports.map(\.kind), ["Report", "Report", "Report"])
        for report in reports { XCTAssertEqual(report.node["source"]?.scalarText, "pspctl") }
        try assertSameAsJSON(reports, json)

        // Not vacuous: the openreports documents are not valid PolicyReports, and a wrong outcome is refused.
        let crossed = try Self.schemaErrors(documents, schema: "wgpolicyk8s.io_v1alpha2.schema.yaml")
        XCTAssertNotEqual(crossed.status, 0, crossed.output)
        let broken = documents.map { $0.replacingOccurrences(of: "  result: fail\n", with: "  result: failed\n") }
        let refused = try Self.schemaErrors(broken, schema: "openreports.io_v1alpha1.schema.yaml")
        XCTAssertNotEqual(refused.status, 0, refused.output)
        XCTAssertTrue(refused.output.contains("'failed' is not one of"), refused.output)
    }

    /// Every count of the reports, read back, against the JSON report of the same log.
    func assertSameAsJSON(_ reports: [ParsedReport], _ json: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws {
        let policies = try XCTUnwrap(json["policies"] as? [[String: Any]])
        let workloads = try XCTUnwrap(json["workloads"] as? [[String: Any]])
        XCTAssertEqual(policies.count, 6, "3 pss:, 2 psp:, 1 rules:", file: file, line: line)
        for report in reports {
            // The summary is the count of the report's own results.
            for outcome in ["pass", "fail", "warn", "error", "skip"] {
                XCTAssertEqual(report.summary[outcome], report.results.filter { $0.result == outcome }.count,
                               "\(report.name) summary.\(outcome)", file: file, line: line)
            }
        }
        let results = reports.flatMap(\.results)
        XCTAssertEqual(results.count, workloads.count * policies.count, "one result per policy and workload", file: file, line: line)
        for policy in policies {
            let id = try XCTUnwrap(policy["id"] as? String)
            let mine = results.filter { $0.policy == id }
            XCTAssertEqual(mine.filter { $0.result == "fail" }.count, policy["breaksWorkloads"] as? Int, id, file: file, line: line)
            XCTAssertEqual(mine.filter { $0.result != "skip" }.count, policy["judgedWorkloads"] as? Int, id, file: file, line: line)
            XCTAssertEqual(Set(mine.filter { $0.result == "fail" }.map { String($0.workload.prefix { $0 != "/" }) }).sorted(),
                           policy["brokenNamespaces"] as? [String], id, file: file, line: line)
            // Per namespace: the summaries of that namespace's report count this policy's workloads.
            for report in reports {
                let rows = workloads.filter { $0["namespace"] as? String == report.namespace }
                let verdicts = rows.compactMap { ReportTests.verdict($0, id)?["result"] as? String }
                let inReport = report.results.filter { $0.policy == id }
                XCTAssertEqual(inReport.filter { $0.result == "fail" }.count, verdicts.filter { $0 == "fail" }.count, file: file, line: line)
                XCTAssertEqual(inReport.filter { $0.result == "pass" }.count, verdicts.filter { $0 == "pass" }.count, file: file, line: line)
                XCTAssertEqual(inReport.filter { $0.result == "skip" }.count, verdicts.filter { $0 == "unjudged" }.count, file: file, line: line)
            }
        }
        // Each result: its workload's verdict, the failing checks as Kyverno's `controls`, the failures in the message.
        for row in workloads {
            let key = "\(row["namespace"]!)/\(row["kind"]!)/\(row["name"]!)"
            for verdict in row["verdicts"] as? [[String: Any]] ?? [] {
                let policy = verdict["policy"] as? String ?? ""
                let found = results.filter { $0.workload == key && $0.policy == policy }
                XCTAssertEqual(found.count, 1, "\(key) \(policy)", file: file, line: line)
                guard let result = found.first else { continue }
                let expected = ["fail": "fail", "pass": "pass", "unjudged": "skip"][verdict["result"] as? String ?? ""]
                XCTAssertEqual(result.result, expected, "\(key) \(policy)", file: file, line: line)
                XCTAssertEqual(result.source, "pspctl", file: file, line: line)
                XCTAssertEqual(result.properties["requests"], "\(row["requests"]!)", file: file, line: line)
                XCTAssertEqual(result.properties["lastSeen"], row["lastSeen"] as? String, file: file, line: line)
                let checks = verdict["failingChecks"] as? [String] ?? []
                XCTAssertEqual(result.properties["controls"], checks.isEmpty ? nil : checks.joined(separator: ","), file: file, line: line)
                for failure in verdict["failures"] as? [[String: Any]] ?? [] {
                    let detail = failure["detail"] as? String ?? ""
                    XCTAssertTrue(result.message.contains(detail), "\(result.message) lacks \(detail)", file: file, line: line)
                    if policy.hasPrefix("pss:") {
                        XCTAssertTrue(result.message.contains("\(failure["reason"] as? String ?? "") (\(detail))"), result.message,
                                      file: file, line: line)
                    }
                }
            }
        }
        // Kyverno's pod-security keys and pspctl's categories.
        let baseline = try XCTUnwrap(results.first { $0.policy == "pss:baseline:v1.30" && $0.workload == "team-a/CronJob/backup" })
        XCTAssertEqual(baseline.rule, "baseline", file: file, line: line)
        XCTAssertEqual(baseline.category, "Pod Security Standards (Baseline)", file: file, line: line)
        XCTAssertEqual(baseline.properties["standard"], "baseline", file: file, line: line)
        XCTAssertEqual(baseline.properties["version"], "v1.30", file: file, line: line)
        XCTAssertEqual(baseline.message, "host namespaces (hostNetwork=true)", file: file, line: line)
        XCTAssertEqual(baseline.seconds, 1_715_688_001, "the workload's last request, 2024-05-14T12:00:01Z", file: file, line: line)
        let rules = try XCTUnwrap(results.first { $0.policy.hasPrefix("rules:") && $0.workload == "team-b/Pod/debug" })
        XCTAssertEqual(rules.message, "Privileged pod created: privileged: 'pod' by carol #in team-b", file: file, line: line)
        XCTAssertEqual(rules.category, "Falco rules", file: file, line: line)
        let psp = try XCTUnwrap(results.first { $0.policy == "psp:no-privileged" && $0.workload == "team-b/Pod/debug" })
        XCTAssertEqual(psp.rule, "no-privileged", file: file, line: line)
        XCTAssertEqual(psp.category, "Pod Security Policy", file: file, line: line)
        let unjudged = try XCTUnwrap(results.first { $0.workload == "team-c/Pod/meta-only" })
        XCTAssertEqual(unjudged.message, "not judged: 1 request logged without its object (audit level Metadata)", file: file, line: line)
    }

    /// A workload the log gives no namespace goes to a cluster-scoped report; odd names stay valid
    /// object names, and an empty log is a stream without documents.
    func testClusterScopedReportAndNames() throws {
        let spec = ReportTests.podSpec([ReportTests.privileged])
        let long = String(repeating: "very-long-namespace-", count: 3) + "x"   // 61 characters, a valid namespace
        let lines = [
            ReportTests.event(verb: "create", resource: "pods", namespace: "", name: "stray",
                              object: ["kind": "Pod", "apiVersion": "v1", "metadata": ["name": "stray"], "spec": spec],
                              user: "on", time: "2024-05-14T10:00:00.5Z"),
            ReportTests.event(verb: "create", resource: "pods", namespace: long, name: "p",
                              object: ReportTests.pod(name: "p", namespace: long, spec: spec), user: "yes", time: "2024-05-14T10:00:01Z"),
        ]
        let log = try ReportTests.logFile(lines)
        for (format, schema, kinds) in [("policyreport", "wgpolicyk8s.io_v1alpha2.schema.yaml", ["ClusterPolicyReport", "PolicyReport"]),
                                        ("openreports", "openreports.io_v1alpha1.schema.yaml", ["ClusterReport", "Report"])] {
            let result = try ReportTests.report(["--policy", "pss:baseline:latest", "--format", format], log: log)
            XCTAssertEqual(result.status, 0, result.stderr)
            let documents = Self.documents(result.stdout)
            let validation = try Self.schemaErrors(documents, schema: schema)
            XCTAssertEqual(validation.status, 0, validation.output)
            let reports = try documents.map(Self.parse)
            XCTAssertEqual(reports.map(\.kind), kinds)
            XCTAssertEqual(reports.map(\.name), ["pspctl-cluster", "pspctl-\(long)"])
            XCTAssertNil(reports[0].namespace)
            XCTAssertNil(reports[0].node["scope"], "a cluster-scoped report is about no one object")
            XCTAssertEqual(reports[0].results.first?.workload, "/Pod/stray")
            XCTAssertEqual(reports[0].results.first?.result, "fail")
            XCTAssertEqual(reports[0].results.first?.properties["users"], "on", "a YAML 1.1 boolean word stays a string")
            XCTAssertEqual(reports[1].results.first?.properties["users"], "yes")
            XCTAssertEqual(reports[0].node["results"]?.sequenceItems?.first?["timestamp"]?["nanos"]?.scalarText, "500000000")
        }
        let empty = try ReportTests.report(["--policy", "pss:baseline:latest", "--format", "policyreport"],
                                           log: ReportTests.logFile([ReportTests.scenario[7]]))
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertEqual(Self.documents(empty.stdout), [], empty.stdout)
        XCTAssertEqual(try YAML.parseDocuments(empty.stdout).count, 0, empty.stdout)
    }

    /// README's example document is what its command prints (one of its documents, byte for byte), and valid.
    func testREADMEExampleDocument() throws {
        let readme = try String(contentsOf: Pspctl.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("    $ pspctl report --format policyreport ") })
        let command = lines[start].dropFirst("    $ pspctl ".count).split(separator: " ").map(String.init)
        let shown = lines[(start + 1)...].prefix { $0.hasPrefix("    ") }.map { String($0.dropFirst(4)) }
        XCTAssertEqual(shown.first, "---")
        let document = shown.dropFirst().joined(separator: "\n") + "\n"
        let result = try Pspctl.run(command, currentDirectory: Pspctl.packageRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(Self.documents(result.stdout).contains(document), "README shows a document pspctl does not print:\n\(result.stdout)")
        let validation = try Self.schemaErrors([document], schema: "wgpolicyk8s.io_v1alpha2.schema.yaml")
        XCTAssertEqual(validation.status, 0, validation.output)
    }

    /// A namespace whose results pass the size limit continues in further reports (`-2`, `-3` …), each with
    /// its own summary; together they hold every result once.
    func testLargeNamespaceIsSplitIntoSeveralReports() throws {
        var builder = ReportBuilder(policies: try ReportPolicies.load(["pss:baseline:latest", "pss:restricted:latest"]) { _ in "" })
        for index in 0..<40 {
            let spec = ReportTests.podSpec(index % 2 == 0 ? [ReportTests.privileged] : [ReportTests.plain])
            let line = ReportTests.event(verb: "create", resource: "pods", namespace: "big", name: "pod-\(index)",
                                         object: ReportTests.pod(name: "pod-\(index)", namespace: "big", spec: spec),
                                         user: "u", time: "2024-05-14T10:00:00Z")
            var bytes = Array(line.utf8)
            try bytes.withUnsafeMutableBufferPointer { try builder.add(line: UnsafeBufferPointer($0), number: index + 1) }
        }
        let report = builder.report(budget: 0)
        let whole = Self.documents(report.kubernetesReports(.policyReport, now: 0))
        XCTAssertEqual(whole.count, 1)
        let split = Self.documents(report.kubernetesReports(.policyReport, now: 0, maxDocumentBytes: 8_000))
        XCTAssertGreaterThan(split.count, 3)
        let reports = try split.map(Self.parse)
        XCTAssertEqual(reports.map(\.name), ["pspctl-big"] + (2...split.count).map { "pspctl-big-\($0)" })
        for report in reports {
            XCTAssertEqual(report.namespace, "big")
            for outcome in ["pass", "fail", "skip"] {
                XCTAssertEqual(report.summary[outcome], report.results.filter { $0.result == outcome }.count, report.name)
            }
        }
        let all = reports.flatMap(\.results)
        XCTAssertEqual(all.count, 80)
        XCTAssertEqual(Set(all.map { "\($0.policy) \($0.workload)" }).count, 80)
        XCTAssertEqual(all.filter { $0.result == "fail" }.count, report.policies.reduce(0) { $0 + $1.breaksWorkloads })
        XCTAssertEqual(try Self.parse(whole[0]).results.map(\.message), all.map(\.message))
        let validation = try Self.schemaErrors(split, schema: "wgpolicyk8s.io_v1alpha2.schema.yaml")
        XCTAssertEqual(validation.status, 0, validation.output)
    }

    /// Whatever namespace a log claims, the report's name is a valid object name (a DNS subdomain of at most
    /// 253 characters), and two namespaces never share one.
    func testReportNamesAreValidWhateverTheNamespace() throws {
        let namespaces = ["Team_A", "team-a", "team_a", "ns.with.dots", "trailing-", "ünïcode", String(repeating: "n", count: 300),
                          String(repeating: "n", count: 299) + "m", "-"]
        var builder = ReportBuilder(policies: try ReportPolicies.load(["pss:baseline:latest"]) { _ in "" })
        for (index, namespace) in namespaces.enumerated() {
            let line = ReportTests.event(verb: "create", resource: "pods", namespace: namespace, name: "p",
                                         object: ReportTests.pod(name: "p", namespace: namespace, spec: ReportTests.podSpec([ReportTests.plain])),
                                         user: "u", time: "2024-05-14T10:00:00Z")
            var bytes = Array(line.utf8)
            try bytes.withUnsafeMutableBufferPointer { try builder.add(line: UnsafeBufferPointer($0), number: index + 1) }
        }
        let reports = try Self.documents(builder.report(budget: 0).kubernetesReports(.openReports, now: 0)).map(Self.parse)
        XCTAssertEqual(Set(reports.compactMap(\.namespace)), Set(namespaces))
        let pattern = try NSRegularExpression(pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
        for report in reports {
            XCTAssertLessThanOrEqual(report.name.count, 253, report.name)
            XCTAssertNotNil(pattern.firstMatch(in: report.name, range: NSRange(report.name.startIndex..., in: report.name)), report.name)
        }
        XCTAssertEqual(Set(reports.map(\.name)).count, namespaces.count, "\(reports.map(\.name))")
        XCTAssertTrue(reports.contains { $0.name == "pspctl-team-a" }, "a valid namespace is the name as it is")
    }
}
