import Foundation
import XCTest
import TestSupport

/// `pspctl report` run as a user runs it, on audit logs built here: a Deployment with its ReplicaSet and
/// pods, a CronJob with its Job and pod, bare pods, and requests that must not count (updates, deletes,
/// pods/exec, an earlier stage of a request), plus a pod logged at level Metadata.
final class ReportTests: XCTestCase {
    // MARK: The log

    /// One audit event; `object` is the requestObject (omitted at level Metadata).
    static func event(verb: String, resource: String, group: String = "", namespace: String, name: String? = nil,
                      subresource: String? = nil, object: [String: Any]? = nil, user: String, time: String,
                      stage: String = "ResponseComplete", level: String = "Request") -> String {
        var objectRef: [String: Any] = ["resource": resource, "namespace": namespace, "apiVersion": group.isEmpty ? "v1" : "\(group)/v1"]
        if !group.isEmpty { objectRef["apiGroup"] = group }
        if let name { objectRef["name"] = name }
        if let subresource { objectRef["subresource"] = subresource }
        var event: [String: Any] = [
            "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": level, "auditID": UUID().uuidString,
            "stage": stage, "requestURI": "/apis/\(resource)", "verb": verb,
            "user": ["username": user, "groups": ["system:authenticated"]], "sourceIPs": ["10.0.0.1"],
            "objectRef": objectRef, "responseStatus": ["metadata": [:] as [String: Any], "code": 201],
            "requestReceivedTimestamp": time, "stageTimestamp": time,
        ]
        if let object { event["requestObject"] = object }
        let data = try! JSONSerialization.data(withJSONObject: event, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static func podSpec(_ containers: [[String: Any]], extra: [String: Any] = [:]) -> [String: Any] {
        var spec: [String: Any] = ["containers": containers]
        for (k, v) in extra { spec[k] = v }
        return spec
    }

    static var plain: [String: Any] { ["name": "app", "image": "nginx:1.25"] }
    static var hardened: [String: Any] { [
        "name": "app", "image": "nginx:1.25",
        "securityContext": ["runAsNonRoot": true, "allowPrivilegeEscalation": false,
                            "seccompProfile": ["type": "RuntimeDefault"], "capabilities": ["drop": ["ALL"]]] as [String: Any],
    ] }
    static var privileged: [String: Any] { ["name": "shell", "image": "busybox", "securityContext": ["privileged": true]] }

    static func owner(_ kind: String, _ name: String, group: String) -> [[String: Any]] {
        [["apiVersion": group, "kind": kind, "name": name, "uid": UUID().uuidString, "controller": true]]
    }

    static func pod(name: String? = nil, generateName: String? = nil, namespace: String, labels: [String: String] = [:],
                    owners: [[String: Any]] = [], spec: [String: Any]) -> [String: Any] {
        var metadata: [String: Any] = ["namespace": namespace, "labels": labels]
        if let name { metadata["name"] = name }
        if let generateName { metadata["generateName"] = generateName }
        if !owners.isEmpty { metadata["ownerReferences"] = owners }
        return ["kind": "Pod", "apiVersion": "v1", "metadata": metadata, "spec": spec]
    }

    static func controller(_ kind: String, group: String, name: String, namespace: String, owners: [[String: Any]] = [],
                           template: [String: Any], cron: Bool = false) -> [String: Any] {
        var metadata: [String: Any] = ["name": name, "namespace": namespace]
        if !owners.isEmpty { metadata["ownerReferences"] = owners }
        let templateObject: [String: Any] = ["metadata": ["labels": ["app": name]], "spec": template]
        let spec: [String: Any] = cron ? ["schedule": "0 * * * *", "jobTemplate": ["spec": ["template": templateObject]]]
                                       : ["template": templateObject]
        return ["kind": kind, "apiVersion": "\(group)/v1", "metadata": metadata, "spec": spec]
    }

    /// The scenario every test reads (events in log order).
    static var scenario: [String] {
        let controllers = "system:serviceaccount:kube-system:replicaset-controller"
        let webTemplate = podSpec([plain])
        let backupTemplate = podSpec([plain], extra: ["hostNetwork": true, "restartPolicy": "Never"])
        return [
            // team-a/Deployment web: the Deployment, a RequestReceived copy of its request, its ReplicaSet, two of
            // its pods, and a pod of an older ReplicaSet whose create is not in the log.
            event(verb: "create", resource: "deployments", group: "apps", namespace: "team-a", name: "web",
                  object: controller("Deployment", group: "apps", name: "web", namespace: "team-a", template: webTemplate),
                  user: "alice", time: "2024-05-14T10:00:00.000000Z", stage: "RequestReceived"),
            event(verb: "create", resource: "deployments", group: "apps", namespace: "team-a", name: "web",
                  object: controller("Deployment", group: "apps", name: "web", namespace: "team-a", template: webTemplate),
                  user: "alice", time: "2024-05-14T10:00:00.100000Z"),
            event(verb: "create", resource: "replicasets", group: "apps", namespace: "team-a", name: "web-5d8f7c9b6",
                  object: controller("ReplicaSet", group: "apps", name: "web-5d8f7c9b6", namespace: "team-a",
                                     owners: owner("Deployment", "web", group: "apps/v1"), template: webTemplate),
                  user: "system:serviceaccount:kube-system:deployment-controller", time: "2024-05-14T10:00:01Z"),
            event(verb: "create", resource: "pods", namespace: "team-a",
                  object: pod(generateName: "web-5d8f7c9b6-", namespace: "team-a", labels: ["pod-template-hash": "5d8f7c9b6"],
                              owners: owner("ReplicaSet", "web-5d8f7c9b6", group: "apps/v1"), spec: webTemplate),
                  user: controllers, time: "2024-05-14T10:00:02Z"),
            event(verb: "create", resource: "pods", namespace: "team-a",
                  object: pod(generateName: "web-5d8f7c9b6-", namespace: "team-a", labels: ["pod-template-hash": "5d8f7c9b6"],
                              owners: owner("ReplicaSet", "web-5d8f7c9b6", group: "apps/v1"), spec: webTemplate),
                  user: controllers, time: "2024-05-14T10:00:03Z"),
            event(verb: "create", resource: "pods", namespace: "team-a",
                  object: pod(generateName: "web-7c6d5b4f8-", namespace: "team-a", labels: ["pod-template-hash": "7c6d5b4f8"],
                              owners: owner("ReplicaSet", "web-7c6d5b4f8", group: "apps/v1"), spec: webTemplate),
                  user: controllers, time: "2024-05-14T10:00:04Z"),
            // Not counted: an update of the Deployment, a delete of one of its pods, a get.
            event(verb: "update", resource: "deployments", group: "apps", namespace: "team-a", name: "web",
                  object: controller("Deployment", group: "apps", name: "web", namespace: "team-a", template: podSpec([privileged])),
                  user: "alice", time: "2024-05-14T10:05:00Z"),
            event(verb: "delete", resource: "pods", namespace: "team-a", name: "web-5d8f7c9b6-abcde", user: "alice",
                  time: "2024-05-14T10:06:00Z"),
            event(verb: "get", resource: "pods", namespace: "team-a", name: "web-5d8f7c9b6-abcde", user: "alice",
                  time: "2024-05-14T10:06:01Z"),
            // team-a/CronJob backup: the CronJob, its Job, the Job's pod (hostNetwork: baseline forbids it).
            event(verb: "create", resource: "cronjobs", group: "batch", namespace: "team-a", name: "backup",
                  object: controller("CronJob", group: "batch", name: "backup", namespace: "team-a", template: backupTemplate, cron: true),
                  user: "bob", time: "2024-05-14T11:00:00Z"),
            event(verb: "create", resource: "jobs", group: "batch", namespace: "team-a", name: "backup-28590000",
                  object: controller("Job", group: "batch", name: "backup-28590000", namespace: "team-a",
                                     owners: owner("CronJob", "backup", group: "batch/v1"), template: backupTemplate),
                  user: "system:serviceaccount:kube-system:cronjob-controller", time: "2024-05-14T12:00:00Z"),
            event(verb: "create", resource: "pods", namespace: "team-a",
                  object: pod(generateName: "backup-28590000-", namespace: "team-a", labels: ["job-name": "backup-28590000"],
                              owners: owner("Job", "backup-28590000", group: "batch/v1"), spec: backupTemplate),
                  user: "system:serviceaccount:kube-system:job-controller", time: "2024-05-14T12:00:01Z"),
            // team-b: a bare privileged pod, exec'd into (not counted), and a hardened pod.
            event(verb: "create", resource: "pods", namespace: "team-b", name: "debug",
                  object: pod(name: "debug", namespace: "team-b", spec: podSpec([privileged])),
                  user: "carol", time: "2024-05-14T13:00:00Z"),
            event(verb: "create", resource: "pods", namespace: "team-b", name: "debug", subresource: "exec",
                  user: "carol", time: "2024-05-14T13:01:00Z"),
            event(verb: "create", resource: "pods", namespace: "team-b", name: "compliant",
                  object: pod(name: "compliant", namespace: "team-b",
                              spec: podSpec([hardened], extra: ["securityContext": ["runAsNonRoot": true]])),
                  user: "dave", time: "2024-05-14T13:30:00Z"),
            // team-c: a pod create logged at level Metadata (no object): counted, not judged.
            event(verb: "create", resource: "pods", namespace: "team-c", name: "meta-only", user: "erin",
                  time: "2024-05-14T14:00:00Z", level: "Metadata"),
        ]
    }

    static func logFile(_ lines: [String] = scenario) throws -> String {
        try Pspctl.temporaryFile(lines.joined(separator: "\n") + "\n", suffix: ".jsonl")
    }

    static func report(_ arguments: [String], log: String? = nil) throws -> Pspctl.Result {
        try Pspctl.run(["report", "--audit-log", log ?? logFile()] + arguments)
    }

    static func json(_ result: Pspctl.Result) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
    }

    static func rows(_ document: [String: Any]) -> [String: [String: Any]] {
        var rows: [String: [String: Any]] = [:]
        for row in document["workloads"] as? [[String: Any]] ?? [] {
            rows["\(row["namespace"]!)/\(row["kind"]!)/\(row["name"]!)"] = row
        }
        return rows
    }

    static func verdict(_ row: [String: Any]?, _ policy: String) -> [String: Any]? {
        (row?["verdicts"] as? [[String: Any]])?.first { $0["policy"] as? String == policy }
    }

    // MARK: Rows, counts, attribution

    func testWorkloadRowsCountsAndAttribution() throws {
        let result = try Self.report(["--policy", "pss:baseline:v1.30", "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let document = try Self.json(result)
        let rows = Self.rows(document)
        XCTAssertEqual(Set(rows.keys), ["team-a/Deployment/web", "team-a/CronJob/backup", "team-b/Pod/debug",
                                        "team-b/Pod/compliant", "team-c/Pod/meta-only"])
        let web = try XCTUnwrap(rows["team-a/Deployment/web"])
        XCTAssertEqual(web["requests"] as? Int, 5, "the Deployment, its ReplicaSet and three pods; not the RequestReceived copy, the update, the delete")
        XCTAssertEqual(web["firstSeen"] as? String, "2024-05-14T10:00:00.100000000Z")
        XCTAssertEqual(web["lastSeen"] as? String, "2024-05-14T10:00:04.000000000Z")
        XCTAssertEqual(web["users"] as? [String], ["alice", "system:serviceaccount:kube-system:deployment-controller",
                                                   "system:serviceaccount:kube-system:replicaset-controller"])
        let backup = try XCTUnwrap(rows["team-a/CronJob/backup"])
        XCTAssertEqual(backup["requests"] as? Int, 3)
        XCTAssertEqual(rows["team-b/Pod/debug"]?["requests"] as? Int, 1, "pods/exec does not count")
        let meta = try XCTUnwrap(rows["team-c/Pod/meta-only"])
        XCTAssertEqual(meta["unjudgedRequests"] as? Int, 1)
        XCTAssertEqual(Self.verdict(meta, "pss:baseline:v1.30")?["result"] as? String, "unjudged")
        XCTAssertTrue(result.stderr.contains("1 pod-creating request carried no object"), result.stderr)
        let log = try XCTUnwrap(document["log"] as? [String: Any])
        XCTAssertEqual(log["events"] as? Int, 16)
        XCTAssertEqual(log["requests"] as? Int, 11)
        XCTAssertEqual(log["unjudgedRequests"] as? Int, 1)
    }

    func testOtherControllersAndAnEventListLine() throws {
        let spec = Self.podSpec([Self.plain])
        func podOf(_ kind: String, _ name: String, group: String, labels: [String: String] = [:]) -> String {
            Self.event(verb: "create", resource: "pods", namespace: "infra",
                       object: Self.pod(generateName: "\(name)-", namespace: "infra", labels: labels,
                                        owners: Self.owner(kind, name, group: group), spec: spec),
                       user: "system:serviceaccount:kube-system:\(kind.lowercased())-controller", time: "2024-05-14T10:00:01Z")
        }
        let daemonSet = Self.event(verb: "create", resource: "daemonsets", group: "apps", namespace: "infra", name: "agent",
                                   object: Self.controller("DaemonSet", group: "apps", name: "agent", namespace: "infra", template: spec),
                                   user: "admin", time: "2024-05-14T10:00:00Z")
        let statefulSet = Self.event(verb: "create", resource: "statefulsets", group: "apps", namespace: "infra", name: "db",
                                     object: Self.controller("StatefulSet", group: "apps", name: "db", namespace: "infra", template: spec),
                                     user: "admin", time: "2024-05-14T10:00:00Z")
        // Two events on one line, as an EventList.
        let list = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[\(podOf("DaemonSet", "agent", group: "apps/v1")),\(podOf("DaemonSet", "agent", group: "apps/v1"))]}"
        let lines = [daemonSet, statefulSet, list, podOf("StatefulSet", "db", group: "apps/v1"),
                     podOf("Job", "migrate", group: "batch/v1"),
                     // A ReplicaSet of its own (its pods carry no pod-template-hash): the ReplicaSet is the workload.
                     podOf("ReplicaSet", "standalone", group: "apps/v1")]
        let result = try Self.report(["--policy", "pss:baseline:latest", "--format", "json"], log: Self.logFile(lines))
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = Self.rows(try Self.json(result))
        XCTAssertEqual(rows.mapValues { $0["requests"] as? Int },
                       ["infra/DaemonSet/agent": 3, "infra/StatefulSet/db": 2, "infra/Job/migrate": 1,
                        "infra/ReplicaSet/standalone": 1])
    }

    func testUsersAreCappedWithACountOfTheRest() throws {
        let lines = (0..<8).map { i in
            Self.event(verb: "create", resource: "pods", namespace: "ns", name: "p",
                       object: Self.pod(name: "p", namespace: "ns", spec: Self.podSpec([Self.plain])),
                       user: "user-\(i)", time: "2024-05-14T10:00:0\(i)Z")
        }
        let document = try Self.json(try Self.report(["--policy", "pss:baseline:latest", "--format", "json"],
                                                     log: Self.logFile(lines)))
        let row = try XCTUnwrap(Self.rows(document)["ns/Pod/p"])
        XCTAssertEqual(row["requests"] as? Int, 8)
        XCTAssertEqual((row["users"] as? [String])?.count, 5)
        XCTAssertEqual(row["moreUsers"] as? Int, 3)
        let table = try Self.report(["--policy", "pss:baseline:latest"], log: Self.logFile(lines))
        XCTAssertTrue(table.stdout.contains("user-0, user-1, user-2, user-3, user-4 +3 more"), table.stdout)
    }

    // MARK: Failing checks, matrix, answers

    func testFailingChecksAreTheChecksOfPodSecurityAdmission() throws {
        let document = try Self.json(try Self.report(["--policy", "pss:baseline:v1.30", "--policy", "pss:restricted:v1.30",
                                                      "--format", "json"]))
        let rows = Self.rows(document)
        let backup = Self.verdict(rows["team-a/CronJob/backup"], "pss:baseline:v1.30")
        XCTAssertEqual(backup?["result"] as? String, "fail")
        XCTAssertEqual(backup?["failingChecks"] as? [String], ["hostNamespaces"])
        XCTAssertEqual(backup?["failedRequests"] as? Int, 3, "the CronJob's template, the Job's and the pod")
        let failure = try XCTUnwrap((backup?["failures"] as? [[String: Any]])?.first)
        XCTAssertEqual(failure["reason"] as? String, "host namespaces")
        XCTAssertEqual(failure["detail"] as? String, "hostNetwork=true")
        XCTAssertEqual(Self.verdict(rows["team-a/Deployment/web"], "pss:baseline:v1.30")?["result"] as? String, "pass")
        let restrictedWeb = Self.verdict(rows["team-a/Deployment/web"], "pss:restricted:v1.30")
        XCTAssertEqual(restrictedWeb?["failingChecks"] as? [String],
                       ["allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted"])
        XCTAssertEqual(Self.verdict(rows["team-b/Pod/debug"], "pss:baseline:v1.30")?["failingChecks"] as? [String], ["privileged"])
        XCTAssertEqual(Self.verdict(rows["team-b/Pod/compliant"], "pss:restricted:v1.30")?["result"] as? String, "pass")

        let policies = try XCTUnwrap(document["policies"] as? [[String: Any]])
        XCTAssertEqual(policies.map { $0["id"] as? String }, ["pss:baseline:v1.30", "pss:restricted:v1.30"])
        XCTAssertEqual(policies.map { $0["breaksWorkloads"] as? Int }, [2, 3])
        XCTAssertEqual(policies.map { $0["judgedWorkloads"] as? Int }, [4, 4])
        XCTAssertEqual(policies.map { $0["brokenNamespaces"] as? [String] }, [["team-a", "team-b"], ["team-a", "team-b"]])
    }

    func testLeastRestrictiveAndBudgetAnswers() throws {
        let policies = ["--policy", "pss:restricted:v1.30", "--policy", "pss:privileged:latest", "--policy", "pss:baseline:v1.30"]
        func comparison(_ extra: [String]) throws -> [String: Any] {
            let result = try Self.report(policies + ["--format", "json"] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            return try XCTUnwrap(try Self.json(result)["comparison"] as? [String: Any])
        }
        let none = try comparison([])
        XCTAssertEqual(none["order"] as? [String], ["pss:privileged:latest", "pss:baseline:v1.30", "pss:restricted:v1.30"])
        XCTAssertEqual(none["leastRestrictiveBreakingNothing"] as? String, "pss:privileged:latest")
        XCTAssertEqual(none["mostRestrictiveWithinBudget"] as? String, "pss:privileged:latest")
        XCTAssertEqual(none["budget"] as? Int, 0)
        XCTAssertEqual(try comparison(["--budget", "2"])["mostRestrictiveWithinBudget"] as? String, "pss:baseline:v1.30")
        XCTAssertEqual(try comparison(["--budget", "3"])["mostRestrictiveWithinBudget"] as? String, "pss:restricted:v1.30")

        // Without a policy that breaks nothing, the answers say none (null in JSON).
        let strict = try Self.report(["--policy", "pss:restricted:v1.30", "--policy", "pss:baseline:v1.30", "--format", "json"])
        let answer = try XCTUnwrap(try Self.json(strict)["comparison"] as? [String: Any])
        XCTAssertTrue(answer["leastRestrictiveBreakingNothing"] is NSNull, "\(answer)")
        XCTAssertTrue(answer["mostRestrictiveWithinBudget"] is NSNull, "\(answer)")
        let table = try Self.report(["--policy", "pss:restricted:v1.30", "--policy", "pss:baseline:v1.30", "--budget", "1"])
        XCTAssertTrue(table.stdout.contains("Least restrictive policy that breaks nothing: none"), table.stdout)
        XCTAssertTrue(table.stdout.contains("Most restrictive policy that breaks at most 1 workload: none"), table.stdout)
    }

    func testTableMatrix() throws {
        let result = try Self.report(["--policy", "pss:baseline:v1.30", "--policy", "pss:restricted:v1.30"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let out = result.stdout
        XCTAssertFalse(out.contains("\u{1B}["), "no colour in a pipe")
        let lines = out.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(lines.first { $0.hasPrefix("NAMESPACE") })
        XCTAssertTrue(header.contains("pss:baseline:v1.30") && header.contains("pss:restricted:v1.30"), header)
        let web = try XCTUnwrap(lines.first { $0.hasPrefix("team-a") && $0.contains("Deployment") })
        XCTAssertTrue(web.contains("✓") && web.contains("✗ allowPrivilegeEscalation, capabilities_restricted, runAsNonRoot, seccompProfile_restricted"), web)
        // Columns are aligned: the policy columns start at the same offset on every row.
        let column = try XCTUnwrap(header.range(of: "pss:baseline:v1.30")).lowerBound.utf16Offset(in: header)
        for row in lines where row.hasPrefix("team-") {
            let cells = Array(row)
            XCTAssertTrue(cells.count > column && "✓✗–".contains(cells[column]), "misaligned: \(row)")
        }
        let meta = try XCTUnwrap(lines.first { $0.hasPrefix("team-c") })
        XCTAssertTrue(meta.contains("1 (1 unjudged)") && meta.contains("–"), meta)
        XCTAssertTrue(out.contains("pss:restricted:v1.30  team-a/Deployment/web"), out)
        XCTAssertTrue(out.contains("  hostNamespaces: host namespaces (hostNetwork=true)"), out)
        let policyRow = try XCTUnwrap(lines.first { $0.hasPrefix("pss:restricted:v1.30 ") })
        XCTAssertEqual(policyRow.split(separator: " ", omittingEmptySubsequences: true).prefix(3).map(String.init),
                       ["pss:restricted:v1.30", "4", "3"])
    }

    /// Colour only on a terminal (util-linux `script` gives the run one), and never with NO_COLOR.
    func testColourOnlyOnATerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("no /usr/bin/script") }
        let log = try Self.logFile()
        func onTerminal(_ environment: String) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-q", "-e", "-c", "\(environment) '\(Pspctl.executable.path)' report --audit-log '\(log)' --policy pss:baseline:latest", "/dev/null"]
            let out = Pipe()
            process.standardOutput = out
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
            return String(decoding: data, as: UTF8.self)
        }
        // (the test runner may set NO_COLOR itself)
        let coloured = try onTerminal("env -u NO_COLOR")
        XCTAssertTrue(coloured.contains("\u{1B}[31m✗ hostNamespaces\u{1B}[0m"), coloured)
        XCTAssertTrue(coloured.contains("\u{1B}[32m✓\u{1B}[0m"), coloured)
        XCTAssertFalse(try onTerminal("env NO_COLOR=1").contains("\u{1B}["))
    }

    func testMarkdownShape() throws {
        let result = try Self.report(["--policy", "pss:baseline:v1.30", "--policy", "pss:restricted:v1.30", "--format", "markdown"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "## pspctl report")
        let header = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("| Namespace |") })
        let columns = lines[header].filter { $0 == "|" }.count
        XCTAssertEqual(columns, 10, lines[header])
        XCTAssertTrue(lines[header + 1].hasPrefix("|---|"), lines[header + 1])
        let body = lines[(header + 2)...].prefix { $0.hasPrefix("|") }
        XCTAssertEqual(body.count, 5)
        for row in body { XCTAssertEqual(row.filter { $0 == "|" }.count, columns, row) }
        XCTAssertTrue(result.stdout.contains("### Failures"), result.stdout)
        XCTAssertTrue(result.stdout.contains("- `pss:baseline:v1.30` rejects `team-b/Pod/debug`:"), result.stdout)
        XCTAssertTrue(result.stdout.contains("**Most restrictive policy that breaks at most 0 workloads:** none"), result.stdout)
    }

    func testJSONKeysAreStable() throws {
        let document = try Self.json(try Self.report(["--policy", "pss:restricted:latest", "--format", "json"]))
        XCTAssertEqual(Set(document.keys), ["apiVersion", "log", "policies", "workloads", "comparison"])
        XCTAssertEqual(document["apiVersion"] as? String, "pspctl.dev/report/v1")
        XCTAssertEqual(Set((document["log"] as? [String: Any])?.keys ?? [:].keys),
                       ["lines", "events", "requests", "unjudgedRequests", "skippedLines"])
        let policy = try XCTUnwrap((document["policies"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(policy.keys), ["id", "kind", "judgedWorkloads", "judgedNamespaces", "breaksWorkloads",
                                          "breaksNamespaces", "brokenNamespaces", "warnsWorkloads", "warnNamespaces",
                                          "failedRequests", "clusterDisagreements"])
        let row = try XCTUnwrap((document["workloads"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(row.keys), ["namespace", "kind", "name", "requests", "unjudgedRequests", "firstSeen", "lastSeen",
                                       "users", "moreUsers", "clusterExemptRequests", "verdicts"])
        let verdict = try XCTUnwrap((row["verdicts"] as? [[String: Any]])?.first)
        // `cluster` is there only when the log has Pod Security Admission's annotations (see the cluster test).
        XCTAssertEqual(Set(verdict.keys), ["policy", "result", "judgedRequests", "failedRequests", "failedTemplateRequests",
                                           "exemptRequests", "failures", "moreFailures", "failingChecks"])
        XCTAssertEqual(Set((document["comparison"] as? [String: Any])?.keys ?? [:].keys),
                       ["order", "restrictivenessRule", "leastRestrictiveBreakingNothing", "budget", "mostRestrictiveWithinBudget"])
    }

    // MARK: psp: and rules: policies, exemptions

    /// Two candidate PSPs in one file: `no-privileged` (host network allowed) and `no-host-network`.
    static let twoPSPs = """
        # two candidates
        apiVersion: policy/v1beta1
        kind: PodSecurityPolicy
        metadata:
          name: no-privileged
        spec:
          privileged: false
          hostNetwork: true
        ---
        apiVersion: policy/v1beta1
        kind: PodSecurityPolicy
        metadata:
          name: no-host-network
        spec:
          privileged: true
          hostNetwork: false
        """

    func testPSPFileGivesOnePolicyPerPSP() throws {
        let psps = try Pspctl.temporaryFile(Self.twoPSPs)
        let result = try Self.report(["--policy", "psp:\(psps)", "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let document = try Self.json(result)
        let policies = try XCTUnwrap(document["policies"] as? [[String: Any]])
        XCTAssertEqual(policies.map { $0["id"] as? String }, ["psp:no-privileged", "psp:no-host-network"])
        XCTAssertEqual(policies.map { $0["kind"] as? String }, ["psp", "psp"])
        let rows = Self.rows(document)
        let debug = Self.verdict(rows["team-b/Pod/debug"], "psp:no-privileged")
        XCTAssertEqual(debug?["result"] as? String, "fail")
        XCTAssertEqual(debug?["failingChecks"] as? [String], ["privileged"])
        // Judged as PSP admission: the API server's field error, its path as the reason.
        let failure = try XCTUnwrap((debug?["failures"] as? [[String: Any]])?.first)
        XCTAssertEqual(failure["check"] as? String, "privileged")
        XCTAssertEqual(failure["reason"] as? String, "spec.containers[0].securityContext.privileged")
        XCTAssertEqual(failure["detail"] as? String, "Invalid value: true: Privileged containers are not allowed")
        XCTAssertEqual(Self.verdict(rows["team-b/Pod/debug"], "psp:no-host-network")?["result"] as? String, "pass")
        // The CronJob's template and its pod break no-host-network, the CronJob row with them.
        let backup = Self.verdict(rows["team-a/CronJob/backup"], "psp:no-host-network")
        XCTAssertEqual(backup?["result"] as? String, "fail")
        XCTAssertEqual(backup?["failingChecks"] as? [String], ["hostNetwork"])
        XCTAssertEqual(Self.verdict(rows["team-a/CronJob/backup"], "psp:no-privileged")?["result"] as? String, "pass")
        // A PSP without seccomp annotations forbids setting a seccomp profile, as PSP admission did.
        XCTAssertEqual(Self.verdict(rows["team-b/Pod/compliant"], "psp:no-privileged")?["failingChecks"] as? [String], ["seccomp"])
    }

    /// `psp:` is judged as PSP admission, not through the rules `convert` writes (falcoctl's): the same PSP as
    /// `rules:` of its converted file differs where falcoctl's rules skip a field, and agrees elsewhere.
    func testPSPAdmissionDiffersFromFalcoctlRulesWhereTheyAreSilent() throws {
        let psp = try Pspctl.temporaryFile("""
            apiVersion: policy/v1beta1
            kind: PodSecurityPolicy
            metadata:
              name: no-volumes
            spec:
              privileged: false
              volumes: []
              hostPorts: []
              runAsUser: {rule: MustRunAs, ranges: [{min: 1000, max: 2000}]}
              seLinux: {rule: RunAsAny}
              supplementalGroups: {rule: RunAsAny}
              fsGroup: {rule: RunAsAny}
            """)
        let rules = try Pspctl.temporaryFile("", suffix: ".yaml")
        let converted = try Pspctl.run(["convert", "--psp-path", psp, "--rules-path", rules])
        XCTAssertEqual(converted.status, 0, converted.stderr)
        let scratch: [String: Any] = ["volumes": [["name": "scratch", "emptyDir": [:] as [String: Any]]]]
        let log = try Self.logFile([
            // An emptyDir: `volumes: []` admits no volume; falcoctl writes no volumes rule for an empty list.
            Self.event(verb: "create", resource: "pods", namespace: "apps", name: "cache",
                       object: Self.pod(name: "cache", namespace: "apps",
                                        spec: Self.podSpec([["name": "app", "image": "redis", "securityContext": ["runAsUser": 1500]]],
                                                           extra: scratch)),
                       user: "alice", time: "2024-05-14T10:00:00Z"),
            // No runAsUser: PSP admission sets 1000 (admitted); falcoctl's rule counts the unset user as 0.
            Self.event(verb: "create", resource: "pods", namespace: "apps", name: "web",
                       object: Self.pod(name: "web", namespace: "apps", spec: Self.podSpec([Self.plain])),
                       user: "alice", time: "2024-05-14T10:00:01Z"),
            // A privileged container: both reject it.
            Self.event(verb: "create", resource: "pods", namespace: "apps", name: "debug",
                       object: Self.pod(name: "debug", namespace: "apps",
                                        spec: Self.podSpec([["name": "shell", "image": "busybox",
                                                             "securityContext": ["privileged": true, "runAsUser": 1000]]])),
                       user: "alice", time: "2024-05-14T10:00:02Z"),
        ])
        let result = try Self.report(["--policy", "psp:\(psp)", "--policy", "rules:\(rules)", "--format", "json"], log: log)
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = Self.rows(try Self.json(result))
        let cache = Self.verdict(rows["apps/Pod/cache"], "psp:no-volumes")
        XCTAssertEqual(cache?["failingChecks"] as? [String], ["volumes"])
        let failure = try XCTUnwrap((cache?["failures"] as? [[String: Any]])?.first)
        XCTAssertEqual("\(failure["reason"]!): \(failure["detail"]!)",
                       #"spec.volumes[0]: Invalid value: "emptyDir": emptyDir volumes are not allowed to be used"#)
        XCTAssertEqual(Self.verdict(rows["apps/Pod/cache"], "rules:\(rules)")?["result"] as? String, "pass")
        XCTAssertEqual(Self.verdict(rows["apps/Pod/web"], "psp:no-volumes")?["result"] as? String, "pass")
        XCTAssertEqual(Self.verdict(rows["apps/Pod/web"], "rules:\(rules)")?["failingChecks"] as? [String],
                       ["PSP no_volumes Violation (runAsUser=MustRunAs) K8s Audit"])
        XCTAssertEqual(Self.verdict(rows["apps/Pod/debug"], "psp:no-volumes")?["failingChecks"] as? [String], ["privileged"])
        XCTAssertEqual(Self.verdict(rows["apps/Pod/debug"], "rules:\(rules)")?["result"] as? String, "fail")

        // The table shows the API server's error line.
        let table = try Self.report(["--policy", "psp:\(psp)", "--format", "table"], log: log)
        XCTAssertTrue(table.stdout.contains(#"spec.volumes[0]: Invalid value: "emptyDir": emptyDir volumes are not allowed to be used"#),
                      table.stdout)
    }

    /// A PSP that cannot be read names its document and field; nothing is reported.
    func testABadPSPDocumentIsAClearError() throws {
        let psps = try Pspctl.temporaryFile("""
            apiVersion: policy/v1beta1
            kind: PodSecurityPolicy
            metadata: {name: fine}
            spec: {privileged: false}
            ---
            apiVersion: policy/v1beta1
            kind: PodSecurityPolicy
            metadata: {name: broken}
            spec:
              runAsUser: {rule: MustRunAsRoot}
            """)
        let result = try Self.report(["--policy", "psp:\(psps)"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("--policy psp:\(psps): document 2: spec.runAsUser.rule: unknown strategy \"MustRunAsRoot\""),
                      result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    func testRulesFilePolicyReportsRuleNameAndOutput() throws {
        let rules = try Pspctl.temporaryFile("""
            - rule: Privileged pod created
              desc: a pod with a privileged container
              condition: ka.verb=create and ka.target.resource=pods and ka.req.pod.containers.privileged intersects (true)
              output: privileged pod by %ka.user.name in %ka.target.namespace
              priority: WARNING
              source: k8s_audit
            """)
        let result = try Self.report(["--policy", "rules:\(rules)", "--policy", "pss:baseline:latest", "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let document = try Self.json(result)
        let rows = Self.rows(document)
        let debug = Self.verdict(rows["team-b/Pod/debug"], "rules:\(rules)")
        XCTAssertEqual(debug?["failingChecks"] as? [String], ["Privileged pod created"])
        let failure = try XCTUnwrap((debug?["failures"] as? [[String: Any]])?.first)
        XCTAssertEqual(failure["detail"] as? String, "privileged pod by carol in team-b")
        XCTAssertEqual(Self.verdict(rows["team-a/Deployment/web"], "rules:\(rules)")?["result"] as? String, "pass")
        let policies = try XCTUnwrap(document["policies"] as? [[String: Any]])
        XCTAssertEqual(policies.first?["breaksWorkloads"] as? Int, 1)
    }

    func testExemptionsApplyToPSSPolicies() throws {
        let result = try Self.report(["--policy", "pss:baseline:latest", "--exempt-namespace", "team-b", "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = Self.rows(try Self.json(result))
        let debug = Self.verdict(rows["team-b/Pod/debug"], "pss:baseline:latest")
        XCTAssertEqual(debug?["result"] as? String, "unjudged")
        XCTAssertEqual(debug?["exemptRequests"] as? Int, 1)
        XCTAssertEqual(Self.verdict(rows["team-a/CronJob/backup"], "pss:baseline:latest")?["result"] as? String, "fail")

        let config = try Pspctl.temporaryFile("""
            apiVersion: pod-security.admission.config.k8s.io/v1
            kind: PodSecurityConfiguration
            defaults:
              enforce: baseline
            exemptions:
              usernames: [bob, "system:serviceaccount:kube-system:cronjob-controller", "system:serviceaccount:kube-system:job-controller"]
            """)
        let configured = try Self.report(["--policy", "pss:baseline:latest", "--admission-config", config, "--format", "json"])
        XCTAssertEqual(configured.status, 0, configured.stderr)
        let backup = Self.verdict(Self.rows(try Self.json(configured))["team-a/CronJob/backup"], "pss:baseline:latest")
        XCTAssertEqual(backup?["exemptRequests"] as? Int, 3)
        XCTAssertEqual(backup?["result"] as? String, "unjudged")
    }

    // MARK: Bad input

    func testBadInputIsAClearErrorWithStatus2() throws {
        let log = try Self.logFile()
        let cases: [([String], String)] = [
            (["--policy", "restricted"], "expected pss:LEVEL:VERSION"),
            (["--policy", "pss:strict:latest"], "level \"strict\" must be one of privileged, baseline, restricted"),
            (["--policy", "pss:restricted:1.30"], "version \"1.30\" must be \"latest\" or \"v1.x\""),
            (["--policy", "opa:policy.rego"], "unknown kind \"opa\""),
            (["--policy", "psp:/nonexistent/psp.yaml"], "/nonexistent/psp.yaml: no such file"),
            (["--policy", "rules:/nonexistent/rules.yaml"], "/nonexistent/rules.yaml"),
            (["--policy", "pss:baseline:latest", "--policy", "pss:baseline:latest"], "given twice"),
            ([], "at least one --policy is required"),
            (["--policy", "pss:baseline:latest", "--budget=-1"], "--budget must be 0 or more"),
        ]
        for (arguments, message) in cases {
            let result = try Pspctl.run(["report", "--audit-log", log] + arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", "\(arguments)")
        }
        let missing = try Pspctl.run(["report", "--audit-log", "/nonexistent/audit.log", "--policy", "pss:baseline:latest"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("cannot open audit log /nonexistent/audit.log"), missing.stderr)
    }

    func testMalformedLinesStopTheReportOrAreSkippedWithKeepGoing() throws {
        var lines = Self.scenario
        lines.insert("{\"kind\": \"Event\", truncated", at: 3)
        let log = try Self.logFile(lines)
        let stopped = try Self.report(["--policy", "pss:baseline:latest"], log: log)
        XCTAssertEqual(stopped.status, 2, stopped.stderr)
        XCTAssertTrue(stopped.stderr.contains("pspctl report: line 4 of \(log) is not an audit event"), stopped.stderr)
        XCTAssertEqual(stopped.stdout, "")

        let skipped = try Self.report(["--policy", "pss:baseline:latest", "--keep-going", "--format", "json"], log: log)
        XCTAssertEqual(skipped.status, 0, skipped.stderr)
        XCTAssertTrue(skipped.stderr.contains("line 4 of \(log) is not an audit event"), skipped.stderr)
        let document = try Self.json(skipped)
        XCTAssertEqual((document["log"] as? [String: Any])?["skippedLines"] as? Int, 1)
        XCTAssertEqual(Self.rows(document)["team-a/Deployment/web"]?["requests"] as? Int, 5)

        // A line over --max-line-bytes is an input error too, said without reading it whole.
        let overlong = try Self.report(["--policy", "pss:baseline:latest", "--max-line-bytes", "100"], log: log)
        XCTAssertEqual(overlong.status, 2, overlong.stderr)
        XCTAssertTrue(overlong.stderr.contains("line 1 of \(log) is not an audit event"), overlong.stderr)
        XCTAssertTrue(overlong.stderr.contains("line is longer than 100 bytes"), overlong.stderr)
        let notALog = try Self.report(["--policy", "pss:baseline:latest"], log: ScratchDirectory.make().path)
        XCTAssertEqual(notALog.status, 2, notALog.stderr)
        XCTAssertTrue(notALog.stderr.contains("it is a directory"), notALog.stderr)
    }

    /// README's worked example: its command, run from the package root, prints the table shown there
    /// (up to the failures, which the README abridges) and the answers shown there.
    func testREADMEWorkedExample() throws {
        let readme = try String(contentsOf: Pspctl.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("    $ pspctl report --audit-log examples/audit.jsonl") })
        let command = lines[start].dropFirst("    $ pspctl ".count).split(separator: " ").map(String.init)
        let shown = lines[(start + 1)...].prefix { $0.hasPrefix("    ") || $0.isEmpty }.map { String($0.dropFirst(4)) }
        let result = try Pspctl.run(command, currentDirectory: Pspctl.packageRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        let printed = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let table = Array(shown.prefix { $0 != "Failures:" })
        XCTAssertEqual(Array(printed.prefix(table.count)), table)
        for answer in shown.suffix(2) { XCTAssertTrue(printed.contains(answer), "\(answer) not in\n\(result.stdout)") }
        for line in shown where !line.isEmpty && line != "…" {
            XCTAssertTrue(printed.contains(line), "README shows a line pspctl does not print: \(line)")
        }
    }

    /// README's PSP example (a PSP beside restricted): every line it shows is printed.
    func testREADMEPSPExample() throws {
        let readme = try String(contentsOf: Pspctl.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("    $ pspctl report --audit-log examples/audit.jsonl --policy psp:") })
        let command = lines[start].dropFirst("    $ pspctl ".count).split(separator: " ").map(String.init)
        let shown = lines[(start + 1)...].prefix { $0.hasPrefix("    ") || $0.isEmpty }.map { String($0.dropFirst(4)) }
        let result = try Pspctl.run(command, currentDirectory: Pspctl.packageRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        let printed = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(shown.contains { $0.hasPrefix("  spec.") }, "the example shows PSP admission's errors")
        for line in shown where !line.isEmpty && line != "…" {
            XCTAssertTrue(printed.contains(line), "README shows a line pspctl does not print: \(line)")
        }
    }

    func testStandardInputAndHelp() throws {
        let result = try Pspctl.run(["report", "--audit-log", "-", "--policy", "pss:baseline:latest", "--format", "json"],
                                    stdin: Self.scenario.joined(separator: "\n") + "\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(Self.rows(try Self.json(result)).count, 5)
        let help = try Pspctl.run(["report", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("Examples:") && help.stdout.contains("--budget"), help.stdout)
    }
}
