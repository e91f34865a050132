import Foundation
import PodSecurity
import TestSupport
import XCTest

/// The real CLI: `pspctl convert --standard …` writes the rules, `pspctl watch` runs them on audit logs.
final class EndToEndTests: XCTestCase {
    struct Alert {
        let rule: String
        let output: String
        let priority: String
    }

    /// Converts with `pspctl convert` and returns the rules file's path.
    private func convert(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let rules = try Pspctl.temporaryFile("", suffix: ".rules.yaml")
        let result = try Pspctl.run(["convert"] + arguments + ["--rules-path", rules])
        XCTAssertEqual(result.status, 0, "convert \(arguments): \(result.stderr)", file: file, line: line)
        return rules
    }

    /// Runs `pspctl watch` on the events and returns the alerts by audit ID.
    private func watch(_ rules: String, _ events: [AuditEventBuilder], allMatches: Bool = false,
                       file: StaticString = #filePath, line: UInt = #line) throws -> [String: [Alert]] {
        let log = try Pspctl.temporaryFile(events.map(\.line).joined(separator: "\n") + "\n", suffix: ".jsonl")
        let result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log, "--output", "json"]
                                    + (allMatches ? ["--all-matches"] : []))
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        var alerts: [String: [Alert]] = [:]
        for text in result.stdoutLines {
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
            let fields = try XCTUnwrap(json["output_fields"] as? [String: Any], text)
            let auditID = try XCTUnwrap(fields["ka.auditid"] as? String, text)
            alerts[auditID, default: []].append(Alert(rule: json["rule"] as? String ?? "", output: json["output"] as? String ?? "",
                                                      priority: json["priority"] as? String ?? ""))
        }
        return alerts
    }

    private func podEvent(_ id: String, _ yaml: String, configure: (inout AuditEventBuilder) -> Void = { _ in }) throws -> AuditEventBuilder {
        var event = AuditEventBuilder(auditID: id, requestObject: try manifest(yaml))
        configure(&event)
        return event
    }

    private let privilegedPod = pod(containers: "{name: app, securityContext: {privileged: true}}")
    private let privilegedRule = "PSS baseline Violation (privileged)"

    /// Every case of the table, one convert + watch per level and version: an alert from the failing
    /// check's rule carrying PSA's message, or no alert.
    func testEveryCaseThroughConvertAndWatch() throws {
        let groups = Dictionary(grouping: pssCases.indices) { "\(pssCases[$0].level) \(pssCases[$0].version)" }
        for key in groups.keys.sorted() {
            let indices = groups[key]!
            let (level, version) = (pssCases[indices[0]].level, pssCases[indices[0]].version)
            let rules = try convert(["--standard", level.rawValue, "--standard-version", version])
            let alerts = try watch(rules, try indices.map { try podEvent("case-\($0)", pssCases[$0].pod) })
            for index in indices {
                let testCase = pssCases[index]
                let caseAlerts = alerts["case-\(index)"] ?? []
                if let (check, message) = testCase.forbidden {
                    XCTAssertEqual(caseAlerts.map(\.rule), ["PSS \(level) Violation (\(check))"], "\(testCase)", line: testCase.line)
                    XCTAssertTrue(caseAlerts.first?.output.contains(
                        "Pod web would violate PodSecurity \"\(level):\(version)\": \(message) (user=alice") == true,
                                  "\(testCase): \(caseAlerts.first?.output ?? "no alert")", line: testCase.line)
                    XCTAssertEqual(caseAlerts.first?.priority, "Warning", line: testCase.line)
                } else {
                    XCTAssertEqual(caseAlerts.map(\.rule), [], "\(testCase)", line: testCase.line)
                }
            }
        }
    }

    func testTheAlertCarriesTheRequestAndEveryViolation() throws {
        let rules = try convert(["--standard", "baseline"])
        let log = try Pspctl.temporaryFile(try podEvent("a1", pod("hostPID: true", containers: "{name: app, securityContext: {privileged: true}}")) {
            $0.namespace = "payments"; $0.user = "bob@example.com"
        }.line + "\n", suffix: ".jsonl")
        let result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines, [
            #"10:00:00.100000000: Warning Pod web would violate PodSecurity "baseline:latest": host namespaces (hostPID=true) (user=bob@example.com verb=create namespace=payments auditid=a1 violations=host namespaces (hostPID=true), privileged (container "app" must not set securityContext.privileged=true))"#,
        ])
        // With every match reported, each failing check has its own alert.
        let all = try watch(rules, [try podEvent("a2", pod("hostPID: true", containers: "{name: app, securityContext: {privileged: true}}"))], allMatches: true)
        XCTAssertEqual(all["a2"]?.map(\.rule), ["PSS baseline Violation (hostNamespaces)", "PSS baseline Violation (privileged)"])
    }

    /// One test per controller kind: its pod template is judged and the alert names the controller.
    func testEveryPodControllerIsJudgedOnItsTemplate() throws {
        let rules = try convert(["--standard", "baseline", "--standard-version", "v1.30"])
        let controllers: [(kind: String, resource: String, group: String)] = [
            ("Deployment", "deployments", "apps"), ("ReplicaSet", "replicasets", "apps"), ("StatefulSet", "statefulsets", "apps"),
            ("DaemonSet", "daemonsets", "apps"), ("Job", "jobs", "batch"), ("CronJob", "cronjobs", "batch"),
            ("ReplicationController", "replicationcontrollers", ""), ("PodTemplate", "podtemplates", ""),
        ]
        var events: [AuditEventBuilder] = []
        for controller in controllers {
            let bad = workload(controller.kind, name: "bad-\(controller.resource)",
                               template: "{metadata: {labels: {app: x}}, spec: {containers: [{name: app, securityContext: {privileged: true}}]}}")
            let good = workload(controller.kind, name: "good-\(controller.resource)", template: "{spec: {containers: [{name: app}]}}")
            for (id, object, verb, subresource) in [("bad", bad, "create", nil), ("update", bad, "update", nil), ("good", good, "create", nil),
                                                     ("scale", bad, "update", "scale"), ("status", bad, "update", "status"),
                                                     ("delete", bad, "delete", nil)] as [(String, String, String, String?)] {
                events.append(try podEvent("\(controller.resource)-\(id)", object) {
                    $0.resource = controller.resource; $0.apiGroup = controller.group; $0.verb = verb; $0.subresource = subresource
                })
            }
        }
        let alerts = try watch(rules, events)
        for controller in controllers {
            for id in ["bad", "update"] {
                let alert = alerts["\(controller.resource)-\(id)"]
                XCTAssertEqual(alert?.map(\.rule), [privilegedRule], "\(controller.kind) \(id)")
                XCTAssertTrue(alert?.first?.output.contains(#"\#(controller.kind) bad-\#(controller.resource) would violate PodSecurity "baseline:v1.30": privileged (container "app" must not set securityContext.privileged=true)"#) == true,
                              alert?.first?.output ?? "no alert for \(controller.kind)")
            }
            for id in ["good", "scale", "status", "delete"] {
                XCTAssertNil(alerts["\(controller.resource)-\(id)"], "\(controller.kind) \(id)")
            }
        }
    }

    func testPodsCreatedByAControllerAlertOnTheirOwn() throws {
        let rules = try convert(["--standard", "baseline"])
        let template = "{metadata: {labels: {app: api}}, spec: {hostNetwork: true, containers: [{name: app}]}}"
        let deployment = try podEvent("deployment", workload("Deployment", name: "api", template: template)) {
            $0.resource = "deployments"; $0.apiGroup = "apps"
        }
        let replica = try podEvent("replica", "{kind: Pod, metadata: {generateName: api-7d9f-}, spec: {hostNetwork: true, containers: [{name: app}]}}") {
            $0.user = "system:serviceaccount:kube-system:replicaset-controller"
            $0.responseObject = try? manifest("{kind: Pod, metadata: {name: api-7d9f-x2k4p}, spec: {hostNetwork: true, containers: [{name: app}]}}")
        }
        let alerts = try watch(rules, [deployment, replica])
        XCTAssertTrue(alerts["deployment"]?.first?.output.contains("Warning Deployment api would violate") == true)
        XCTAssertTrue(alerts["replica"]?.first?.output.contains(#"Warning Pod api-7d9f-x2k4p would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true) (user=system:serviceaccount:kube-system:replicaset-controller"#) == true,
                      alerts["replica"]?.first?.output ?? "no alert")
    }

    /// Only what PSA judges: creates, updates and patches of pods and the ephemeralcontainers subresource,
    /// once per request.
    func testOnlyTheRequestsPodSecurityAdmissionJudgesAlert() throws {
        let rules = try convert(["--standard", "baseline"])
        let judged: [(String, (inout AuditEventBuilder) -> Void)] = [
            ("create", { _ in }),
            ("update", { $0.verb = "update" }),
            ("ephemeral", { $0.verb = "update"; $0.subresource = "ephemeralcontainers" }),
            ("no-stage", { $0.stage = nil }),
            ("patch", { $0.verb = "patch"; $0.requestObject = ["metadata": ["labels": ["a": "b"]]]; $0.responseObject = try? manifest(self.privilegedPod) }),
        ]
        let unjudged: [(String, (inout AuditEventBuilder) -> Void)] = [
            ("delete", { $0.verb = "delete" }), ("get", { $0.verb = "get" }), ("list", { $0.verb = "list" }),
            ("status", { $0.verb = "update"; $0.subresource = "status" }),
            ("exec", { $0.subresource = "exec"; $0.requestObject = nil }),
            ("attach", { $0.subresource = "attach"; $0.requestObject = nil }),
            ("binding", { $0.subresource = "binding"; $0.requestObject = ["kind": "Binding", "target": ["name": "node-1"]] }),
            ("eviction", { $0.subresource = "eviction"; $0.requestObject = ["kind": "Eviction"] }),
            ("resize", { $0.verb = "patch"; $0.subresource = "resize"; $0.responseObject = try? manifest(self.privilegedPod) }),
            ("request-received", { $0.stage = "RequestReceived" }),
            ("metadata-level", { $0.requestObject = nil }),
            ("patch-without-response", { $0.verb = "patch" }),
            ("configmap", { $0.resource = "configmaps" }),
        ]
        let events = try (judged + unjudged).map { id, configure in try podEvent(id, privilegedPod, configure: configure) }
        let alerts = try watch(rules, events)
        for (id, _) in judged { XCTAssertEqual(alerts[id]?.map(\.rule), [privilegedRule], id) }
        for (id, _) in unjudged { XCTAssertNil(alerts[id], id) }
    }

    func testExemptionOptions() throws {
        let rules = try convert(["--standard", "baseline", "--exempt-user", "alice", "--exempt-user", "Jane Doe",
                                 "--exempt-namespace", "kube-system", "--exempt-runtime-class", "kata"])
        let kata = pod("runtimeClassName: kata", containers: "{name: app, securityContext: {privileged: true}}")
        let gvisor = pod("runtimeClassName: gvisor", containers: "{name: app, securityContext: {privileged: true}}")
        let events = [
            try podEvent("alice", privilegedPod),
            try podEvent("jane", privilegedPod) { $0.user = "Jane Doe" },
            try podEvent("bob", privilegedPod) { $0.user = "bob" },
            try podEvent("bob-as-alice", privilegedPod) { $0.user = "bob"; $0.impersonatedUser = "alice" },
            try podEvent("alice-as-bob", privilegedPod) { $0.impersonatedUser = "bob" },
            try podEvent("kube-system", privilegedPod) { $0.user = "bob"; $0.namespace = "kube-system" },
            try podEvent("kata", kata) { $0.user = "bob" },
            try podEvent("gvisor", gvisor) { $0.user = "bob" },
            try podEvent("kata-deployment", workload("Deployment", name: "d", template: "{spec: {runtimeClassName: kata, containers: [{name: app, securityContext: {privileged: true}}]}}")) {
                $0.user = "bob"; $0.resource = "deployments"; $0.apiGroup = "apps"
            },
        ]
        let alerts = try watch(rules, events)
        for id in ["bob", "alice-as-bob", "gvisor"] { XCTAssertEqual(alerts[id]?.map(\.rule), [privilegedRule], id) }
        for id in ["alice", "jane", "bob-as-alice", "kube-system", "kata", "kata-deployment"] { XCTAssertNil(alerts[id], id) }
    }

    func testAdmissionConfigurationFile() throws {
        let config = try Pspctl.temporaryFile("""
            apiVersion: apiserver.config.k8s.io/v1
            kind: AdmissionConfiguration
            plugins:
            - name: PodSecurity
              configuration:
                apiVersion: pod-security.admission.config.k8s.io/v1
                kind: PodSecurityConfiguration
                defaults:
                  enforce: restricted
                  enforce-version: v1.24
                exemptions:
                  usernames: ["system:serviceaccount:ops:deployer"]
                  namespaces: [kube-system]
                  runtimeClasses: [kata]
            """)
        let rules = try convert(["--admission-config", config])
        // A Windows pod without allowPrivilegeEscalation fails restricted:v1.24 (not v1.25 and later).
        let windowsPod = pod(windows, containers: "{name: app, securityContext: {runAsNonRoot: true, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}}}")
        let alerts = try watch(rules, [
            try podEvent("windows", windowsPod),
            try podEvent("deployer", windowsPod) { $0.user = "system:serviceaccount:ops:deployer" },
            try podEvent("kube-system", windowsPod) { $0.namespace = "kube-system" },
            try podEvent("kata", pod("\(windows), runtimeClassName: kata", containers: windowsContainer)),
        ])
        XCTAssertEqual(alerts["windows"]?.map(\.rule), ["PSS restricted Violation (allowPrivilegeEscalation)"])
        XCTAssertTrue(alerts["windows"]?.first?.output.contains(#"PodSecurity "restricted:v1.24""#) == true)
        for id in ["deployer", "kube-system", "kata"] { XCTAssertNil(alerts[id], id) }
        // The options override the file's defaults; its exemptions still apply.
        let latest = try watch(try convert(["--admission-config", config, "--standard-version", "latest"]),
                               [try podEvent("windows", windowsPod)])
        XCTAssertNil(latest["windows"])
    }

    func testUnknownLevelsVersionsAndBadFilesExitWithStatus2() throws {
        let configMap = try Pspctl.temporaryFile("apiVersion: v1\nkind: ConfigMap\n")
        let cases: [([String], String)] = [
            (["--standard", "strict"], #"--standard "strict": must be one of privileged, baseline, restricted"#),
            (["--standard", "baseline", "--standard-version", "1.25"], #"--standard-version "1.25": must be "latest" or "v1.x""#),
            (["--standard", "baseline", "--exempt-namespace", "Kube_System"], #"--exempt-namespace "Kube_System": a lowercase RFC 1123 label"#),
            (["--admission-config", configMap],
             "--admission-config \(configMap): " + #"kind "ConfigMap" is neither AdmissionConfiguration nor PodSecurityConfiguration"#),
        ]
        for (arguments, message) in cases {
            let result = try Pspctl.run(["convert"] + arguments + ["--rules-path", try Pspctl.temporaryFile("")])
            XCTAssertEqual(result.status, 2, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
