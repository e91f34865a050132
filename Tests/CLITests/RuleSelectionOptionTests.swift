import Foundation
import XCTest
import TestSupport

/// Options that change which rules alert.
///
/// `--min-priority P` works like Falco's `priority` setting: rules less severe than P are not loaded at
/// all (falco-rules.md 2.8 step 7, 9), so a more severe rule later in the file can then match an event
/// that a skipped rule used to claim. The name is matched case-insensitively.
final class RuleSelectionOptionTests: XCTestCase {
    private let fixture = "clusterrole-with-write-privileges-created"

    private func verdicts(_ options: [String]) throws -> [String?] {
        let result = try Watch.run(rules: [FalcoRulesFiles.k8sAudit], auditLog: Fixtures.auditLog(fixture), options: options)
        XCTAssertEqual(result.status, 0, result.stderr)
        let alerts = try AlertsByLine(JSONAlert.parseAll(result), lines: Fixtures.lines(of: fixture))
        XCTAssertEqual(alerts.unmatched.count, 0)
        return alerts.verdicts
    }

    func testDefaultLoadsEveryPriority() throws {
        let all: [String?] = ["ClusterRole With Write Privileges Created", "ClusterRole With Write Privileges Created",
                              "ClusterRole With Write Privileges Created", "K8s Role/Clusterrole Created",
                              "ClusterRole With Write Privileges Created"]
        XCTAssertEqual(try verdicts([]), all)
        XCTAssertEqual(try verdicts(["--min-priority", "debug"]), all)
    }

    func testNoticeDropsInformationalRules() throws {
        XCTAssertEqual(try verdicts(["--min-priority", "Notice"]),
                       ["ClusterRole With Write Privileges Created", "ClusterRole With Write Privileges Created",
                        "ClusterRole With Write Privileges Created", nil, "ClusterRole With Write Privileges Created"])
    }

    /// Line 3 creates a ClusterRole with `create` on `pods/exec`: the Notice rule claims it by default;
    /// without that rule the Warning rule ClusterRole With Pod Exec Created matches it.
    func testWarningSkipsLessSevereRulesSoALaterRuleMatches() throws {
        XCTAssertEqual(try verdicts(["--min-priority", "WARNING"]),
                       [nil, nil, "ClusterRole With Pod Exec Created", nil, nil])
    }

    func testEmergencyLoadsNoneOfFalcosK8sRules() throws {
        XCTAssertEqual(try verdicts(["--min-priority", "emergency"]), [nil, nil, nil, nil, nil])
    }

    /// `--all-matches` (opt-in, as later Falco versions allow) reports every matching rule in file order
    /// instead of only the first. The calico pod (create-privileged-pod line 4) is privileged, on the host
    /// network and in kube-system.
    func testAllMatchesReportsEveryMatchingRuleInFileOrder() throws {
        let slug = "create-privileged-pod"
        let result = try Watch.run(rules: [FalcoRulesFiles.k8sAudit], auditLog: Fixtures.auditLog(slug), options: ["--all-matches"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let alerts = try AlertsByLine(JSONAlert.parseAll(result), lines: Fixtures.lines(of: slug))
        XCTAssertEqual(alerts.rules(line: 4), ["Create Privileged Pod", "Create HostNetwork Pod", "Pod Created in Kube Namespace"])
        XCTAssertEqual(alerts.rules(line: 1), ["Create Privileged Pod"])
        XCTAssertEqual(alerts.rules(line: 7), [])
    }
}
