import Foundation
import XCTest
import TestSupport

/// `pspctl check` run as a user runs it, on manifests written here the way repositories and Helm hold
/// them: a multi-document file with comments, a directory tree, List kinds, JSON, a `helm template`
/// stream on standard input, and broken documents among good ones.
final class CheckCommandTests: XCTestCase {
    // MARK: Manifests

    /// A container spec in YAML (indented for a pod spec's `containers:` list at `indent`).
    static func container(_ name: String, securityContext: String = "", indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var text = "\(pad)- name: \(name)\n\(pad)  image: nginx:1.25\n"
        if !securityContext.isEmpty {
            text += "\(pad)  securityContext:\n"
            for line in securityContext.split(separator: "\n") { text += "\(pad)    \(line)\n" }
        }
        return text
    }

    static let hardened = """
        runAsNonRoot: true
        allowPrivilegeEscalation: false
        seccompProfile: {type: RuntimeDefault}
        capabilities:
          drop: ["ALL"]
        """

    /// A pod spec (YAML, at `indent`) with one container and optional extra spec lines.
    static func podSpec(_ securityContext: String = "", extra: String = "", indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var text = ""
        for line in extra.split(separator: "\n") { text += "\(pad)\(line)\n" }
        return text + "\(pad)containers:\n" + container("app", securityContext: securityContext, indent: indent)
    }

    static func controller(_ kind: String, apiVersion: String, name: String, namespace: String? = nil,
                           securityContext: String = "", extra: String = "") -> String {
        var text = "apiVersion: \(apiVersion)\nkind: \(kind)\nmetadata:\n  name: \(name)\n"
        if let namespace { text += "  namespace: \(namespace)\n" }
        text += "spec:\n"
        switch kind {
        case "CronJob":
            text += "  schedule: \"0 3 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          labels: {app: \(name)}\n        spec:\n"
                + "          restartPolicy: OnFailure\n" + podSpec(securityContext, extra: extra, indent: 10)
        case "PodTemplate":
            text = "apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: \(name)\n" + (namespace.map { "  namespace: \($0)\n" } ?? "")
                + "template:\n  metadata:\n    labels: {app: \(name)}\n  spec:\n" + podSpec(securityContext, extra: extra, indent: 4)
        default:
            text += "  replicas: 2\n  selector:\n    matchLabels: {app: \(name)}\n  template:\n    metadata:\n      labels: {app: \(name)}\n    spec:\n"
                + podSpec(securityContext, extra: extra, indent: 6)
        }
        return text
    }

    static func pod(_ name: String, namespace: String? = nil, securityContext: String = "", extra: String = "") -> String {
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \(name)\n" + (namespace.map { "  namespace: \($0)\n" } ?? "")
            + "spec:\n" + podSpec(securityContext, extra: extra, indent: 2)
    }

    /// Every judged kind, with comments, an empty document and a Service between them.
    static var everyKind: String {
        """
        # Everything the shop runs.
        # (maintained by hand)
        ---
        \(pod("debug", namespace: "tools", securityContext: "privileged: true"))---
        # the web front end
        \(controller("Deployment", apiVersion: "apps/v1", name: "web", namespace: "shop"))
        ---
        ---   # an empty document
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          ports: [{port: 80}]
        ---
        \(controller("StatefulSet", apiVersion: "apps/v1", name: "db", namespace: "shop", extra: "hostNetwork: true"))---
        \(controller("DaemonSet", apiVersion: "apps/v1", name: "agent", namespace: "infra",
                     extra: "volumes:\n- name: root\n  hostPath: {path: /}"))---
        \(controller("Job", apiVersion: "batch/v1", name: "migrate", namespace: "shop", securityContext: hardened,
                     extra: "restartPolicy: Never"))---
        \(controller("CronJob", apiVersion: "batch/v1", name: "backup", namespace: "shop", extra: "hostPID: true"))---
        \(controller("ReplicaSet", apiVersion: "apps/v1", name: "legacy", namespace: "shop"))---
        \(controller("ReplicationController", apiVersion: "v1", name: "older", securityContext: hardened))---
        \(controller("PodTemplate", apiVersion: "v1", name: "shell", namespace: "tools", securityContext: "privileged: true"))
        """
    }

    static func file(_ contents: String, name: String = "manifests.yaml", in directory: URL? = nil) throws -> String {
        let url = try (directory ?? ScratchDirectory.make()).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func check(_ arguments: [String], stdin: String? = nil) throws -> Pspctl.Result {
        try Pspctl.run(["check"] + arguments, stdin: stdin)
    }

    static func json(_ result: Pspctl.Result) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                      "stdout: \(result.stdout)\nstderr: \(result.stderr)")
    }

    static func rows(_ document: [String: Any]) -> [String: [String: Any]] { ReportTests.rows(document) }
    static func verdict(_ row: [String: Any]?, _ policy: String) -> [String: Any]? { ReportTests.verdict(row, policy) }
    static func checks(_ row: [String: Any]?, _ policy: String) -> [String]? {
        verdict(row, policy)?["failingChecks"] as? [String]
    }

    // MARK: Every kind, verdicts, exit status

    func testEveryKindInAMultiDocumentFile() throws {
        let path = try Self.file(Self.everyKind)
        let result = try Self.check(["-f", path, "--policy", "pss:baseline:v1.30", "--policy", "pss:restricted:v1.30",
                                     "--format", "json"])
        XCTAssertEqual(result.status, 1, "a workload fails: \(result.stderr)")
        XCTAssertEqual(result.stderr, "")
        let document = try Self.json(result)
        let rows = Self.rows(document)
        XCTAssertEqual(Set(rows.keys), ["tools/Pod/debug", "shop/Deployment/web", "shop/StatefulSet/db", "infra/DaemonSet/agent",
                                        "shop/Job/migrate", "shop/CronJob/backup", "shop/ReplicaSet/legacy",
                                        "default/ReplicationController/older", "tools/PodTemplate/shell"])
        let baseline = "pss:baseline:v1.30", restricted = "pss:restricted:v1.30"
        XCTAssertEqual(Self.checks(rows["tools/Pod/debug"], baseline), ["privileged"])
        XCTAssertEqual(Self.verdict(rows["shop/Deployment/web"], baseline)?["result"] as? String, "pass")
        XCTAssertEqual(Self.checks(rows["shop/Deployment/web"], restricted),
                       ["allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted"])
        XCTAssertEqual(Self.checks(rows["shop/StatefulSet/db"], baseline), ["hostNamespaces"])
        XCTAssertEqual(Self.checks(rows["infra/DaemonSet/agent"], baseline), ["hostPathVolumes"])
        XCTAssertEqual(Self.checks(rows["shop/CronJob/backup"], baseline), ["hostNamespaces"], "jobTemplate.spec.template is judged")
        let cronFailure = try XCTUnwrap((Self.verdict(rows["shop/CronJob/backup"], baseline)?["failures"] as? [[String: Any]])?.first)
        XCTAssertEqual(cronFailure["detail"] as? String, "hostPID=true")
        XCTAssertEqual(Self.verdict(rows["shop/Job/migrate"], restricted)?["result"] as? String, "pass")
        XCTAssertEqual(Self.verdict(rows["default/ReplicationController/older"], restricted)?["result"] as? String, "pass",
                       "no namespace in the manifest: --namespace's default")
        XCTAssertEqual(Self.checks(rows["shop/ReplicaSet/legacy"], restricted)?.count, 4)
        XCTAssertEqual(Self.verdict(rows["shop/ReplicaSet/legacy"], baseline)?["result"] as? String, "pass")
        XCTAssertEqual(Self.checks(rows["tools/PodTemplate/shell"], baseline), ["privileged"], "a PodTemplate's template is judged")
        // Where each workload is: the file and its document (the comment preamble is no document; the empty one is).
        XCTAssertEqual(rows["tools/Pod/debug"]?["sources"] as? [String], ["\(path)#1"])
        XCTAssertEqual(rows["shop/Deployment/web"]?["sources"] as? [String], ["\(path)#2"])
        XCTAssertEqual(rows["shop/StatefulSet/db"]?["sources"] as? [String], ["\(path)#5"])
        XCTAssertEqual(rows["tools/PodTemplate/shell"]?["sources"] as? [String], ["\(path)#11"])
        XCTAssertEqual(rows["shop/Deployment/web"]?["users"] as? [String], ["pspctl-check"])
        // A controller is judged as its create and its first pod's; a pod and a PodTemplate as their own.
        XCTAssertEqual(rows["shop/Deployment/web"]?["requests"] as? Int, 2)
        XCTAssertEqual(rows["tools/Pod/debug"]?["requests"] as? Int, 1)
        XCTAssertEqual(rows["tools/PodTemplate/shell"]?["requests"] as? Int, 1)

        // The report's document, plus what the manifests held and where each workload is.
        XCTAssertEqual(Set(document.keys), ["apiVersion", "log", "policies", "workloads", "comparison", "manifests"])
        XCTAssertEqual(Set(try XCTUnwrap(rows["shop/Deployment/web"]).keys),
                       ["namespace", "kind", "name", "requests", "unjudgedRequests", "firstSeen", "lastSeen", "users", "moreUsers",
                        "clusterExemptRequests", "verdicts", "sources"])
        XCTAssertEqual(rows["shop/Deployment/web"]?["firstSeen"] as? String, "", "no time: a check's output is the same every run")
        let manifests = try XCTUnwrap(document["manifests"] as? [String: Any])
        XCTAssertEqual(Set(manifests.keys), ["files", "objects", "workloads", "otherKinds", "errors"])
        XCTAssertEqual(manifests["files"] as? Int, 1)
        XCTAssertEqual(manifests["objects"] as? Int, 10)
        XCTAssertEqual(manifests["workloads"] as? Int, 9)
        XCTAssertEqual(manifests["otherKinds"] as? [String: Int], ["Service": 1])
        XCTAssertEqual(manifests["errors"] as? Int, 0)
        let policies = try XCTUnwrap(document["policies"] as? [[String: Any]])
        // The PodTemplate makes no pod: its failing template would warn, as Pod Security Admission warns on it.
        XCTAssertEqual(policies.map { $0["breaksWorkloads"] as? Int }, [4, 6])
        XCTAssertEqual(policies.map { $0["warnsWorkloads"] as? Int }, [1, 1])
        XCTAssertEqual(Self.verdict(rows["tools/PodTemplate/shell"], "pss:baseline:v1.30")?["result"] as? String, "warn")
        XCTAssertEqual(policies.map { $0["judgedWorkloads"] as? Int }, [9, 9])
    }

    func testExitStatusIsZeroWhenNothingFails() throws {
        let path = try Self.file(Self.controller("Deployment", apiVersion: "apps/v1", name: "web", securityContext: Self.hardened))
        let result = try Self.check(["-f", path, "--policy", "pss:restricted:latest"])
        XCTAssertEqual(result.status, 0, result.stderr + result.stdout)
        XCTAssertTrue(result.stdout.contains("1 workload in 1 namespace from 1 object in 1 file"), result.stdout)
        let failing = try Self.check(["-f", path, "--policy", "pss:restricted:latest", "--policy", "pss:baseline:latest",
                                      "-f", try Self.file(Self.pod("root", extra: "hostIPC: true"))])
        XCTAssertEqual(failing.status, 1, failing.stderr)
    }

    /// Two versions of a level differ where Pod Security Admission's checks changed: restricted requires
    /// `drop: ["ALL"]` from v1.22 and a non-zero `runAsUser` from v1.23.
    func testTwoVersionsOfALevel() throws {
        let rootUser = Self.pod("root-user", securityContext: Self.hardened + "\nrunAsUser: 0")
        let noDrop = Self.pod("no-drop", securityContext: "runAsNonRoot: true\nallowPrivilegeEscalation: false\nseccompProfile: {type: RuntimeDefault}")
        let path = try Self.file(rootUser + "---\n" + noDrop)
        let result = try Self.check(["-f", path, "--policy", "pss:restricted:v1.21", "--policy", "pss:restricted:v1.22",
                                     "--policy", "pss:restricted:v1.30", "--policy", "pss:baseline:v1.30", "--format", "json"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let document = try Self.json(result)
        let rows = Self.rows(document)
        XCTAssertEqual(Self.verdict(rows["default/Pod/root-user"], "pss:restricted:v1.22")?["result"] as? String, "pass")
        XCTAssertEqual(Self.checks(rows["default/Pod/root-user"], "pss:restricted:v1.30"), ["runAsUser"])
        XCTAssertEqual(Self.verdict(rows["default/Pod/no-drop"], "pss:restricted:v1.21")?["result"] as? String, "pass")
        XCTAssertEqual(Self.checks(rows["default/Pod/no-drop"], "pss:restricted:v1.22"), ["capabilities_restricted"])
        let comparison = try XCTUnwrap(document["comparison"] as? [String: Any])
        XCTAssertEqual(comparison["leastRestrictiveBreakingNothing"] as? String, "pss:baseline:v1.30")
        XCTAssertEqual(comparison["order"] as? [String],
                       ["pss:baseline:v1.30", "pss:restricted:v1.21", "pss:restricted:v1.22", "pss:restricted:v1.30"])
    }

    func testExemptNamespace() throws {
        let path = try Self.file(Self.everyKind)
        let result = try Self.check(["-f", path, "--policy", "pss:baseline:v1.30", "--exempt-namespace", "tools", "--format", "json"])
        XCTAssertEqual(result.status, 1, "shop's workloads still fail: \(result.stderr)")
        let rows = Self.rows(try Self.json(result))
        let debug = Self.verdict(rows["tools/Pod/debug"], "pss:baseline:v1.30")
        XCTAssertEqual(debug?["result"] as? String, "unjudged")
        XCTAssertEqual(debug?["exemptRequests"] as? Int, 1)
        XCTAssertEqual(Self.checks(rows["shop/StatefulSet/db"], "pss:baseline:v1.30"), ["hostNamespaces"])
    }

    /// YAML is typed as the API server types it (YAML 1.1: `yes` is true), merge keys apply, and CRLF
    /// line endings are read as LF.
    func testYAMLIsReadAsTheAPIServerReadsIt() throws {
        let manifest = """
            apiVersion: v1
            kind: Pod
            metadata: {name: typed}
            spec:
              hostNetwork: yes
              containers:
              - &base
                name: a
                image: nginx
                securityContext: {privileged: on}
              - <<: *base
                name: b
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: quoted}
            spec:
              hostIPC: "no"
              containers: [{name: c, image: nginx, securityContext: {privileged: "false"}}]
            """.replacingOccurrences(of: "\n", with: "\r\n")
        let result = try Self.check(["-f", try Self.file(manifest), "--policy", "pss:baseline:latest", "--format", "json"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let rows = Self.rows(try Self.json(result))
        let failures = try XCTUnwrap(Self.verdict(rows["default/Pod/typed"], "pss:baseline:latest")?["failures"] as? [[String: String]])
        XCTAssertEqual(failures.map { $0["detail"] ?? "" }, [
            "hostNetwork=true", "containers \"a\", \"b\" must not set securityContext.privileged=true",
        ])
        // Quoted, "no" and "false" are strings, not booleans: no host namespace, no privilege is set.
        XCTAssertEqual(Self.verdict(rows["default/Pod/quoted"], "pss:baseline:latest")?["result"] as? String, "pass")
    }

    // MARK: psp: and rules: policies

    func testPSPAndRulesPoliciesJudgeTheSyntheticCreate() throws {
        let psps = try Pspctl.temporaryFile("""
            apiVersion: policy/v1beta1
            kind: PodSecurityPolicy
            metadata:
              name: no-privileged
            spec:
              privileged: false
              runAsUser: {rule: RunAsAny}
              seLinux: {rule: RunAsAny}
              supplementalGroups: {rule: RunAsAny}
              fsGroup: {rule: RunAsAny}
              volumes: ["*"]
            """)
        let rules = try Pspctl.temporaryFile("""
            - rule: Privileged container created
              desc: a workload with a privileged container
              condition: ka.verb=create and ka.req.pod.containers.privileged intersects (true)
              output: privileged %ka.target.resource by %ka.user.name in %ka.target.namespace
              priority: WARNING
              source: k8s_audit
            """)
        let path = try Self.file(Self.everyKind)
        let result = try Self.check(["-f", path, "--policy", "psp:\(psps)", "--policy", "rules:\(rules)", "--format", "json"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let rows = Self.rows(try Self.json(result))
        XCTAssertEqual(Self.checks(rows["tools/Pod/debug"], "psp:no-privileged"), ["privileged"])
        XCTAssertEqual(Self.verdict(rows["shop/Deployment/web"], "psp:no-privileged")?["result"] as? String, "pass")
        XCTAssertEqual(Self.checks(rows["tools/Pod/debug"], "rules:\(rules)"), ["Privileged container created"])
        let failure = try XCTUnwrap((Self.verdict(rows["tools/Pod/debug"], "rules:\(rules)")?["failures"] as? [[String: Any]])?.first)
        XCTAssertEqual(failure["detail"] as? String, "privileged pods by pspctl-check in tools")
        XCTAssertEqual(Self.verdict(rows["shop/StatefulSet/db"], "rules:\(rules)")?["result"] as? String, "pass")

        // A privileged Deployment: its pods are what PSP admission and pod rules judge, so it fails both.
        let privileged = try Self.file(Self.controller("Deployment", apiVersion: "apps/v1", name: "root-web", namespace: "shop",
                                                       securityContext: "privileged: true"))
        let deployment = try Self.check(["-f", privileged, "--policy", "psp:\(psps)", "--policy", "rules:\(rules)", "--format", "json"])
        XCTAssertEqual(deployment.status, 1, deployment.stderr)
        let row = Self.rows(try Self.json(deployment))["shop/Deployment/root-web"]
        XCTAssertEqual(Self.checks(row, "psp:no-privileged"), ["privileged"])
        XCTAssertEqual(Self.verdict(row, "rules:\(rules)")?["result"] as? String, "fail")
    }

    /// `check` and `report` are one pipeline: a Deployment's manifest fails the checks a log holding that
    /// Deployment's create (and its pod's) fails, with the same reasons and details.
    func testCheckAndReportAgreeOnADeployment() throws {
        let securityContext = "runAsNonRoot: true\ncapabilities:\n  add: [NET_ADMIN]"
        let manifest = Self.controller("Deployment", apiVersion: "apps/v1", name: "api", namespace: "payments",
                                       securityContext: securityContext, extra: "hostNetwork: true")
        let policies = ["--policy", "pss:baseline:v1.30", "--policy", "pss:restricted:latest", "--format", "json"]
        let checked = try Self.check(["-f", try Self.file(manifest)] + policies)
        XCTAssertEqual(checked.status, 1, checked.stderr)
        let checkRow = try XCTUnwrap(Self.rows(try Self.json(checked))["payments/Deployment/api"])

        // The same Deployment as JSON, in an audit log: its create.
        let template: [String: Any] = [
            "metadata": ["labels": ["app": "api"]],
            "spec": ["hostNetwork": true, "containers": [[
                "name": "app", "image": "nginx:1.25",
                "securityContext": ["runAsNonRoot": true, "capabilities": ["add": ["NET_ADMIN"]]] as [String: Any],
            ] as [String: Any]]] as [String: Any],
        ]
        let object: [String: Any] = ["apiVersion": "apps/v1", "kind": "Deployment",
                                     "metadata": ["name": "api", "namespace": "payments"],
                                     "spec": ["replicas": 2, "selector": ["matchLabels": ["app": "api"]], "template": template] as [String: Any]]
        let log = try ReportTests.logFile([ReportTests.event(verb: "create", resource: "deployments", group: "apps", namespace: "payments",
                                                             name: "api", object: object, user: "alice", time: "2024-05-14T10:00:00Z")])
        let reported = try ReportTests.report(policies, log: log)
        XCTAssertEqual(reported.status, 0, reported.stderr)
        let reportRow = try XCTUnwrap(Self.rows(try Self.json(reported))["payments/Deployment/api"])
        for policy in ["pss:baseline:v1.30", "pss:restricted:latest"] {
            let fromCheck = try XCTUnwrap(Self.verdict(checkRow, policy))
            let fromReport = try XCTUnwrap(Self.verdict(reportRow, policy))
            XCTAssertEqual(fromCheck["failingChecks"] as? [String], fromReport["failingChecks"] as? [String], policy)
            XCTAssertEqual(fromCheck["failures"] as? [[String: String]], fromReport["failures"] as? [[String: String]], policy)
            XCTAssertFalse((fromCheck["failingChecks"] as? [String] ?? []).isEmpty, policy)
        }
        XCTAssertEqual(Self.checks(checkRow, "pss:baseline:v1.30"), ["capabilities_baseline", "hostNamespaces"])
    }

    // MARK: Inputs: directories, Lists, JSON, Helm on standard input

    func testDirectoryTreeInSortedOrder() throws {
        let root = try ScratchDirectory.make()
        _ = try Self.file(Self.pod("b-pod", namespace: "apps"), name: "b.yaml", in: root)
        _ = try Self.file(Self.pod("a-pod", namespace: "apps"), name: "a.yml", in: root)
        _ = try Self.file(Self.controller("Deployment", apiVersion: "apps/v1", name: "nested", namespace: "apps"),
                          name: "team/deep/deploy.yaml", in: root)
        _ = try Self.file("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"json-pod\",\"namespace\":\"apps\"},"
                          + "\"spec\":{\"hostPID\":true,\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}\n",
                          name: "team/pod.json", in: root)
        // Not read: another extension, a hidden directory.
        _ = try Self.file(Self.pod("readme-pod"), name: "README.md", in: root)
        _ = try Self.file(Self.pod("hidden-pod"), name: ".git/config.yaml", in: root)
        // A link to a file is read; a link to a directory (here a loop back to the root) is not followed.
        let outside = try Self.file(Self.pod("linked-pod", namespace: "apps"), name: "pod.yaml")
        try FileManager.default.createSymbolicLink(atPath: root.path + "/team/linked.yaml", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: root.path + "/team/loop", withDestinationPath: root.path)
        let result = try Self.check(["-f", root.path, "--policy", "pss:baseline:latest", "--format", "json"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let document = try Self.json(result)
        let rows = Self.rows(document)
        XCTAssertEqual(Set(rows.keys), ["apps/Pod/a-pod", "apps/Pod/b-pod", "apps/Deployment/nested", "apps/Pod/json-pod",
                                        "apps/Pod/linked-pod"])
        XCTAssertEqual(Self.checks(rows["apps/Pod/json-pod"], "pss:baseline:latest"), ["hostNamespaces"])
        XCTAssertEqual(rows["apps/Deployment/nested"]?["sources"] as? [String], [root.path + "/team/deep/deploy.yaml#1"])
        XCTAssertEqual((document["manifests"] as? [String: Any])?["files"] as? Int, 5)

        // The table lists the sources; the order of files is sorted and stable.
        let table = try Self.check(["-f", root.path, "--policy", "pss:baseline:latest"])
        XCTAssertTrue(table.stdout.contains("5 workloads in 1 namespace from 5 objects in 5 files"), table.stdout)
        let header = try XCTUnwrap(table.stdout.split(separator: "\n").first { $0.hasPrefix("NAMESPACE") })
        XCTAssertTrue(header.contains("SOURCE") && !header.contains("FIRST SEEN"), String(header))
        XCTAssertTrue(table.stdout.contains(root.path + "/team/pod.json#1"), table.stdout)
        let empty = try ScratchDirectory.make()
        let none = try Self.check(["-f", empty.path, "--policy", "pss:baseline:latest"])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("\(empty.path): the directory holds no .yaml, .yml or .json file"), none.stderr)
    }

    func testListKinds() throws {
        let list = """
            apiVersion: v1
            kind: List
            items:
            - \(Self.pod("listed", namespace: "lists", securityContext: "privileged: true").replacingOccurrences(of: "\n", with: "\n  "))
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: settings, namespace: lists}
              data: {a: "1"}
            - apiVersion: v1
              kind: List
              items:
              - \(Self.controller("DaemonSet", apiVersion: "apps/v1", name: "inner", namespace: "lists", extra: "hostIPC: true").replacingOccurrences(of: "\n", with: "\n    "))
            """
        // A typed list (as the API returns it): its items have no kind of their own.
        let podList = """
            {"apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": "1"}, "items": [
              {"metadata": {"name": "typed", "namespace": "lists"},
               "spec": {"containers": [{"name": "c", "image": "busybox", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]}}
            ]}
            """
        let directory = try ScratchDirectory.make()
        _ = try Self.file(list, name: "list.yaml", in: directory)
        _ = try Self.file(podList, name: "pods.json", in: directory)
        let result = try Self.check(["-f", directory.path, "--policy", "pss:baseline:latest", "--format", "json"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let document = try Self.json(result)
        let rows = Self.rows(document)
        XCTAssertEqual(Set(rows.keys), ["lists/Pod/listed", "lists/DaemonSet/inner", "lists/Pod/typed"])
        XCTAssertEqual(Self.checks(rows["lists/Pod/listed"], "pss:baseline:latest"), ["privileged"])
        XCTAssertEqual(Self.checks(rows["lists/DaemonSet/inner"], "pss:baseline:latest"), ["hostNamespaces"])
        XCTAssertEqual(Self.checks(rows["lists/Pod/typed"], "pss:baseline:latest"), ["capabilities_baseline"])
        XCTAssertEqual(rows["lists/Pod/listed"]?["sources"] as? [String], [directory.path + "/list.yaml#1.1"])
        XCTAssertEqual(rows["lists/DaemonSet/inner"]?["sources"] as? [String], [directory.path + "/list.yaml#1.3.1"])
        let manifests = try XCTUnwrap(document["manifests"] as? [String: Any])
        XCTAssertEqual(manifests["otherKinds"] as? [String: Int], ["ConfigMap": 1])
        XCTAssertEqual(manifests["objects"] as? Int, 4)
    }

    /// `helm template` output: `---` lines, `# Source:` comments, an empty template, on standard input.
    func testHelmStreamOnStandardInput() throws {
        let stream = """
            ---
            # Source: shop/templates/serviceaccount.yaml
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: shop
            ---
            # Source: shop/templates/empty.yaml
            ---
            # Source: shop/templates/deployment.yaml
            \(Self.controller("Deployment", apiVersion: "apps/v1", name: "shop-web", securityContext: Self.hardened))
            ---
            # Source: shop/templates/tests/test-connection.yaml
            \(Self.pod("shop-test-connection", extra: "hostNetwork: true"))
            """
        let result = try Self.check(["-f", "-", "--namespace", "staging", "--policy", "pss:restricted:latest", "--format", "json"],
                                    stdin: stream)
        XCTAssertEqual(result.status, 1, result.stderr)
        let rows = Self.rows(try Self.json(result))
        XCTAssertEqual(Set(rows.keys), ["staging/Deployment/shop-web", "staging/Pod/shop-test-connection"])
        XCTAssertEqual(Self.verdict(rows["staging/Deployment/shop-web"], "pss:restricted:latest")?["result"] as? String, "pass")
        XCTAssertEqual(Self.checks(rows["staging/Pod/shop-test-connection"], "pss:restricted:latest")?.first, "hostNamespaces")
        XCTAssertEqual(rows["staging/Deployment/shop-web"]?["sources"] as? [String], ["shop/templates/deployment.yaml (-#3)"])

        let table = try Self.check(["-f", "-", "--policy", "pss:restricted:latest"], stdin: stream)
        XCTAssertEqual(table.status, 1)
        XCTAssertTrue(table.stdout.contains("shop/templates/tests/test-connection.yaml (-#4)"), table.stdout)
        XCTAssertTrue(table.stdout.contains("(1 of other kinds not judged: 1 ServiceAccount)"), table.stdout)
    }

    // MARK: Bad manifests

    func testBadDocumentsAreNamedAndTheRestJudged() throws {
        let broken = """
            # first: fine
            \(Self.pod("good-one", securityContext: "privileged: true"))---
            apiVersion: v1
            kind: Pod
            metadata:
              name: bad-yaml
            spec:
              containers: [ {name: x, image: y
            ---
            - just
            - a list
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: no-template}
            spec:
              replicas: 1
            ---
            metadata: {name: no-kind}
            ---
            \(Self.pod("good-two"))
            """
        let path = try Self.file(broken)
        let json = try Self.file("{\"kind\": \"Pod\", \"metadata\": {\"name\": \"x\"}, }\n"
                                 + "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"json-good\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}\n",
                                 name: "stream.json")
        let result = try Self.check(["-f", path, "-f", json, "--policy", "pss:baseline:latest", "--format", "json"])
        XCTAssertEqual(result.status, 2, "manifest errors: \(result.stderr)")
        let errors = result.stderr.split(separator: "\n").map(String.init)
        // Document n > 1 starts on the line after the (n-1)th `---`.
        let separators = broken.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { $0.element.hasPrefix("---") }.map { $0.offset + 1 }
        func start(_ document: Int) -> Int { separators[document - 2] + 1 }
        XCTAssertTrue(errors.contains { $0.hasPrefix("pspctl check: \(path): document 2 (line \(start(2))): not YAML: ") }, result.stderr)
        XCTAssertTrue(errors.contains("pspctl check: \(path): document 3 (line \(start(3))): not a Kubernetes object but a JSON array"), result.stderr)
        XCTAssertTrue(errors.contains("pspctl check: \(path): document 4 (line \(start(4))): Deployment no-template has no pod template (spec.template is missing or not an object)"), result.stderr)
        XCTAssertTrue(errors.contains("pspctl check: \(path): document 5 (line \(start(5))): not a Kubernetes object: it has no kind"), result.stderr)
        XCTAssertTrue(errors.contains { $0.hasPrefix("pspctl check: \(json): document 1 (line 1): not JSON: ") }, result.stderr)
        XCTAssertTrue(errors.contains("pspctl check: 5 manifest errors; every other manifest was judged"), result.stderr)
        // The good documents around them were judged.
        let document = try Self.json(result)
        let rows = Self.rows(document)
        XCTAssertEqual(Set(rows.keys), ["default/Pod/good-one", "default/Pod/good-two", "default/Pod/json-good"])
        XCTAssertEqual(Self.checks(rows["default/Pod/good-one"], "pss:baseline:latest"), ["privileged"])
        XCTAssertEqual(rows["default/Pod/good-two"]?["sources"] as? [String], ["\(path)#6"])
        XCTAssertEqual((document["manifests"] as? [String: Any])?["errors"] as? Int, 5)

        // --keep-going: the errors are still said; the status is the verdicts'.
        let kept = try Self.check(["-f", path, "--policy", "pss:baseline:latest", "--keep-going"])
        XCTAssertEqual(kept.status, 1, kept.stderr)
        XCTAssertTrue(kept.stderr.contains("document 4 (line \(start(4))): Deployment no-template has no pod template"), kept.stderr)
        XCTAssertTrue(kept.stdout.contains("4 manifest errors (see stderr)"), kept.stdout)
    }

    func testUnreadableInputsAndUsageErrors() throws {
        let good = try Self.file(Self.pod("fine"))
        let notUTF8 = try ScratchDirectory.make().appendingPathComponent("binary.yaml")
        try Data([0x6B, 0x69, 0x6E, 0x64, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(to: notUTF8)
        let mixed = try Self.check(["-f", notUTF8.path, "-f", good, "--policy", "pss:baseline:latest", "--format", "json"])
        XCTAssertEqual(mixed.status, 2)
        XCTAssertTrue(mixed.stderr.contains("pspctl check: \(notUTF8.path): not UTF-8 text"), mixed.stderr)
        XCTAssertEqual(Self.rows(try Self.json(mixed)).keys.sorted(), ["default/Pod/fine"])

        let large = try Self.check(["-f", good, "--max-input-bytes", "16", "--policy", "pss:baseline:latest"])
        XCTAssertEqual(large.status, 2)
        XCTAssertTrue(large.stderr.contains("\(good): larger than 16 bytes (--max-input-bytes)"), large.stderr)

        let old = try Self.file("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: old}\n"
                                + "spec: {template: {spec: {containers: [{name: a, image: b}]}}}\n")
        let served = try Self.check(["-f", old, "--policy", "pss:baseline:latest"])
        XCTAssertEqual(served.status, 2)
        XCTAssertTrue(served.stderr.contains("\(old): document 1 (line 1): Deployment in extensions/v1beta1 is not served since Kubernetes 1.16 (use apps/v1)"),
                      served.stderr)
        let wrongGroup = try Self.file("apiVersion: v1\nkind: Deployment\nmetadata: {name: misfiled}\n"
                                       + "spec: {template: {spec: {containers: [{name: a, image: b}]}}}\n---\n"
                                       + "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {name: vcjob}\n---\n~\n")
        let misfiled = try Self.check(["-f", wrongGroup, "--policy", "pss:baseline:latest", "--keep-going", "--format", "json"])
        XCTAssertEqual(misfiled.status, 0, misfiled.stderr)
        XCTAssertTrue(misfiled.stderr.contains("\(wrongGroup): document 1 (line 1): no Deployment in v1 (Deployment is apps/v1)"), misfiled.stderr)
        let counts = try XCTUnwrap(try Self.json(misfiled)["manifests"] as? [String: Any])
        XCTAssertEqual(counts["otherKinds"] as? [String: Int], ["Job": 1], "a custom resource named Job is another kind")
        XCTAssertEqual(counts["errors"] as? Int, 1, "the null document is empty, not an error")

        let stdinError = try Self.check(["-f", "-", "--policy", "pss:baseline:latest"], stdin: "kind: Pod\nmetadata: [\n")
        XCTAssertEqual(stdinError.status, 2)
        XCTAssertTrue(stdinError.stderr.contains("pspctl check: standard input: document 1 (line 1): not YAML: "), stdinError.stderr)

        let cases: [([String], String)] = [
            (["--policy", "pss:baseline:latest"], "at least one -f FILE|DIR|- is required"),
            (["-f", "/nonexistent/k8s", "--policy", "pss:baseline:latest"], "/nonexistent/k8s: no such file or directory"),
            (["-f", good], "at least one --policy is required"),
            (["-f", good, "--policy", "pss:strict:latest"], "level \"strict\""),
            (["-f", "-", "-f", "-", "--policy", "pss:baseline:latest"], "-f - (standard input) can be given once"),
            (["-f", good, "--policy", "pss:baseline:latest", "--format", "yaml"], "--format"),
            (["-f", "-", "--policy", "psp:-"], "standard input can be read once: -f - and psp:- both read it"),
        ]
        for (arguments, message) in cases {
            let result = try Self.check(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", "\(arguments)")
        }
    }

    /// Hostile YAML meets YAMLKit's limits as a clear error on that document; the others are judged.
    func testHostileDocumentsAreErrors() throws {
        var laughs = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1..<9 { laughs += "\(Character(UnicodeScalar(97 + level)!)): &\(Character(UnicodeScalar(97 + level)!)) [" + Array(repeating: "*\(Character(UnicodeScalar(96 + level)!))", count: 9).joined(separator: ",") + "]\n" }
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let path = try Self.file("kind: Pod\n" + laughs + "---\n" + deep + "\n---\n" + Self.pod("survivor"))
        let result = try Self.check(["-f", path, "--policy", "pss:baseline:latest", "--format", "json"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("\(path): document 1 (line 1): not YAML: aliases expand the YAML to more than"), result.stderr)
        XCTAssertTrue(result.stderr.contains("\(path): document 2 (line 12): not YAML: the document nests deeper than 128 levels"), result.stderr)
        XCTAssertEqual(Self.rows(try Self.json(result)).keys.sorted(), ["default/Pod/survivor"])
    }

    // MARK: Formats, help

    /// README's example: its command, run from the package root, prints exactly the output shown there,
    /// and exits 1. Run twice, a check prints the same.
    func testREADMEExample() throws {
        let readme = try String(contentsOf: Pspctl.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("    $ pspctl check -f examples/check/shop.yaml") })
        let command = lines[start].dropFirst("    $ pspctl ".count).split(separator: " ").map(String.init)
        var shown = Array(lines[(start + 1)...].prefix { $0.hasPrefix("    ") || $0.isEmpty }.map { String($0.dropFirst(4)) })
        while shown.last == "" { shown.removeLast() }
        let result = try Pspctl.run(command, currentDirectory: Pspctl.packageRoot)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(result.stdout, shown.joined(separator: "\n") + "\n")
        let again = try Pspctl.run(command + ["--format", "json"], currentDirectory: Pspctl.packageRoot)
        XCTAssertEqual(again.stdout, try Pspctl.run(command + ["--format", "json"], currentDirectory: Pspctl.packageRoot).stdout)
    }

    func testMarkdownAndHelp() throws {
        let path = try Self.file(Self.everyKind)
        let markdown = try Self.check(["-f", path, "--policy", "pss:baseline:v1.30", "--format", "markdown"])
        XCTAssertEqual(markdown.status, 1)
        let lines = markdown.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "## pspctl check")
        let header = try XCTUnwrap(lines.first { $0.hasPrefix("| Namespace |") })
        XCTAssertEqual(header, "| Namespace | Kind | Name | Source | `pss:baseline:v1.30` |")
        XCTAssertTrue(markdown.stdout.contains("- `pss:baseline:v1.30` rejects `tools/Pod/debug`:"), markdown.stdout)

        let help = try Self.check(["--help"])
        XCTAssertEqual(help.status, 0)
        for text in ["Examples:", "helm template web ./chart | pspctl check -f - --policy pss:restricted:latest",
                     "--keep-going", "--namespace", "--budget", "pspctl-check", "Exit status"] {
            XCTAssertTrue(help.stdout.contains(text), "\(text) not in\n\(help.stdout)")
        }
    }
}
