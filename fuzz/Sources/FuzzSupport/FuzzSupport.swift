// Shared by the fuzz targets: input views, a few fixed audit events and the engines the targets
// evaluate against. Everything here is built once per process (the targets' first call), never per input.
@_exported import AuditJSON
@_exported import ConditionLanguage
@_exported import K8sAuditFields
@_exported import PSPConverter
@_exported import PSSConverter
@_exported import RulesEngine
@_exported import SyscallFields
@_exported import YAMLKit
import CFuzzDriver
import Foundation

/// Runs libFuzzer's loop on `target` with the process's arguments; returns its exit status. The `main` of
/// every fuzz executable (see fuzz/Package.swift for why it is not libFuzzer's own `main`). `setUp`
/// builds the target's fixed state first, so that its cost (and anything it leaks once) is not charged
/// to the first input.
public func runLibFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                         setUp: () -> Void = {},
                         _ target: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
    setUp()
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, target)
}

/// A non-null pointer for an empty input (libFuzzer may pass NULL with size 0).
nonisolated(unsafe) public let emptyInput: UnsafePointer<UInt8> = UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))

public enum FuzzInput {
    /// The input as text. Invalid UTF-8 is repaired the way `String(decoding:)` repairs it, as
    /// `RulesEngine.load(path:)` reads files.
    public static func text(_ data: UnsafePointer<UInt8>, _ size: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    }

    public static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: data, count: size)
    }
}

/// Environment switches (all optional): see docs/fuzzing.md.
public enum FuzzEnvironment {
    public static func flag(_ name: String, default value: Bool) -> Bool {
        guard let text = ProcessInfo.processInfo.environment[name] else { return value }
        return !(text == "0" || text.isEmpty || text.lowercased() == "false")
    }

    public static func paths(_ name: String) -> [String] {
        (ProcessInfo.processInfo.environment[name] ?? "").split(separator: ":").map(String.init)
    }
}

/// Fixed inputs the targets evaluate against (from examples/audit.jsonl and examples/psp-no-privileged.yaml).
public enum FuzzFixtures {
    /// Pod creations from examples/audit.jsonl: one compliant (line 3), one privileged (line 4).
    public static let auditLines: [String] = [
        #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"38882323-8d77-4f6b-b41f-33aa4dc65b4a","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/payments/pods?fieldManager=kubectl-client-side-apply&fieldValidation=Strict","verb":"create","user":{"username":"system:serviceaccount:kube-system:replicaset-controller","groups":["system:serviceaccounts","system:serviceaccounts:kube-system","system:authenticated"],"uid":"cde97f01-6fb6-4feb-aeeb-e37a2f172f7c"},"sourceIPs":["10.20.0.14"],"userAgent":"kube-controller-manager/v1.29.4 (linux/amd64) kubernetes/55019c8/system:serviceaccount:kube-system:replicaset-controller","objectRef":{"resource":"pods","namespace":"payments","name":"checkout-7d9c4-x2kq","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"checkout-7d9c4-x2kq","namespace":"payments","labels":{"app":"checkout"}},"spec":{"containers":[{"name":"api","image":"registry.example.com/payments/api:v3.2.1","imagePullPolicy":"IfNotPresent","resources":{"limits":{"cpu":"500m","memory":"256Mi"}},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","securityContext":{"runAsNonRoot":true,"allowPrivilegeEscalation":false}}],"restartPolicy":"Always","dnsPolicy":"ClusterFirst","serviceAccountName":"default","volumes":[{"name":"kube-api-access","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}}],"defaultMode":420}}]}},"responseObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"checkout-7d9c4-x2kq","namespace":"payments","labels":{"app":"checkout"},"uid":"8fb932d5-344e-406f-b592-ba314b193840","resourceVersion":"48213","creationTimestamp":"2024-05-15T08:12:02Z"},"spec":{"containers":[{"name":"api","image":"registry.example.com/payments/api:v3.2.1","imagePullPolicy":"IfNotPresent","resources":{"limits":{"cpu":"500m","memory":"256Mi"}},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","securityContext":{"runAsNonRoot":true,"allowPrivilegeEscalation":false}}],"restartPolicy":"Always","dnsPolicy":"ClusterFirst","serviceAccountName":"default","volumes":[{"name":"kube-api-access","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}}],"defaultMode":420}}]},"status":{"phase":"Pending","qosClass":"Burstable"}},"requestReceivedTimestamp":"2024-05-15T08:12:02.740522Z","stageTimestamp":"2024-05-15T08:12:02.740522Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \"cluster-admin\" of ClusterRole \"cluster-admin\" to Group \"system:masters\""}}"#,
        #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"ca12627d-f527-44cf-bdce-c9fdbc91fda4","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods?fieldManager=kubectl-client-side-apply&fieldValidation=Strict","verb":"create","user":{"username":"kubernetes-admin","groups":["system:masters","system:authenticated"],"uid":"b2f220d9-9d68-435b-aaef-b6f5ae414c55"},"sourceIPs":["10.20.0.14"],"userAgent":"kubectl/v1.29.4 (linux/amd64) kubernetes/55019c8","objectRef":{"resource":"pods","namespace":"default","name":"node-debugger-5f6g7","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"node-debugger-5f6g7","namespace":"default","labels":{"app":"node"}},"spec":{"containers":[{"name":"debugger","image":"busybox:1.36","imagePullPolicy":"IfNotPresent","resources":{"limits":{"cpu":"500m","memory":"256Mi"}},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","securityContext":{"privileged":true}}],"restartPolicy":"Always","dnsPolicy":"ClusterFirst","serviceAccountName":"default","volumes":[{"name":"kube-api-access","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}}],"defaultMode":420}}]}},"responseObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"node-debugger-5f6g7","namespace":"default","labels":{"app":"node"},"uid":"5a4f2f88-7040-41f9-8ebc-8ad891e66ded","resourceVersion":"48213","creationTimestamp":"2024-05-15T08:12:03Z"},"spec":{"containers":[{"name":"debugger","image":"busybox:1.36","imagePullPolicy":"IfNotPresent","resources":{"limits":{"cpu":"500m","memory":"256Mi"}},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","securityContext":{"privileged":true}}],"restartPolicy":"Always","dnsPolicy":"ClusterFirst","serviceAccountName":"default","volumes":[{"name":"kube-api-access","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}}],"defaultMode":420}}]},"status":{"phase":"Pending","qosClass":"Burstable"}},"requestReceivedTimestamp":"2024-05-15T08:12:03.110783Z","stageTimestamp":"2024-05-15T08:12:03.110783Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \"cluster-admin\" of ClusterRole \"cluster-admin\" to Group \"system:masters\""}}"#,
    ]

    /// examples/psp-no-privileged.yaml without its comments.
    public static let pspYAML = """
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  annotations:
    falco-rules-psp-images: "[nginx]"
  name: no_privileged
spec:
  fsGroup:
    rule: "RunAsAny"
  hostPID: true
  hostIPC: true
  hostNetwork: true
  privileged: false
  readOnlyRootFilesystem: true
"""

    /// The fixed audit events, parsed once (their documents stay alive with them).
    public static let auditEvents: [K8sAuditEvent] = auditLines.flatMap { line -> [K8sAuditEvent] in
        guard let events = try? K8sAuditDocument.events(from: Array(line.utf8)) else {
            fatalError("a fixture audit line does not parse")
        }
        return Array(events)
    }
}

/// Runs every fixed audit event through `engine` and renders each alert in both styles.
public func evaluateFixtureEvents(_ engine: RulesEngine) {
    for event in FuzzFixtures.auditEvents {
        evaluate(engine, event: event)
    }
}

/// Evaluates one event with all matches, rendering every alert as text and JSON (as `pspctl watch` does).
public func evaluate(_ engine: RulesEngine, event: K8sAuditEvent) {
    let context = K8sEventContext(event: event)
    var out: [UInt8] = []
    do {
        try engine.forEachMatch(for: context, allMatches: true) { _, rule in
            AlertFormatter(style: .text).write(rule, context, to: &out)
            AlertFormatter(style: .json).write(rule, context, to: &out)
        }
    } catch {
        _ = error.description
    }
    blackHole(out.count)
}

/// Keeps a value from being optimised away.
@inline(never)
public func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// Walks a condition tree without recursion (a harness must not overflow its own stack on a deep tree)
/// and calls `body` on each comparison.
public func forEachComparison(in root: ConditionNode, _ body: (Comparison) -> Void) {
    var stack: [ConditionNode] = [root]
    while let node = stack.popLast() {
        switch node {
        case .and(let a, let b), .or(let a, let b):
            stack.append(b)
            stack.append(a)
        case .not(let a):
            stack.append(a)
        case .comparison(let comparison):
            body(comparison)
        case .macro:
            break
        }
    }
}
