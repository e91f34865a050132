import AuditJSON
import EventTime
import Foundation
import K8sAuditFields
import ManifestInput
import PodSecurity

/// What `pspctl check` read (`manifests` in its JSON report).
public struct ManifestCounts: Sendable, Codable, Equatable {
    /// Files read (standard input counts as one).
    public var files = 0
    /// Objects read (a List's items each count; the List does not).
    public var objects = 0
    /// Of those, objects of a kind Pod Security Admission judges: each one is judged.
    public var workloads = 0
    /// Objects of other kinds (Service, ConfigMap, custom resources …), by kind: counted, not judged.
    public var otherKinds: [String: Int] = [:]
    /// Inputs, documents and objects that could not be judged (each said on stderr).
    public var errors = 0
    public init() {}
}

/// `pspctl check`: manifests judged by the same policies, builder and report as an audit log. Each
/// object of a judged kind becomes a synthetic audit event, the `create` request that would apply it
/// (verb `create`, its resource, namespace and name in `objectRef`, the object as `requestObject`, user
/// `pspctl-check`), and a controller also the `create` of the first pod its template makes, since that
/// is what Pod Security Admission rejects and what `psp:` and pod rules judge. Both count on the
/// manifest's own row (namespace, kind, name), whatever owner references it carries.
public struct ManifestCheck {
    public static let user = "pspctl-check"
    /// At most this many sources are listed on a row.
    public static let sourceLimit = 16

    private var builder: ReportBuilder
    public let defaultNamespace: String
    public private(set) var counts = ManifestCounts()
    private var sources: [WorkloadKey: [String]] = [:]
    private let timeNs: UInt64
    private let timeText: String
    private var requests = 0

    /// `defaultNamespace` is the namespace of objects whose manifest sets none (`--namespace`).
    public init(builder: ReportBuilder, defaultNamespace: String) {
        self.builder = builder
        self.defaultNamespace = defaultNamespace
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        timeNs = UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
        timeText = TimestampText.utc(timeNs)
    }

    /// One more input (a file, standard input) is being read.
    public mutating func countInput() { counts.files += 1 }

    /// Judges one item of the manifests (or counts it). Returns the error to say for an invalid one.
    public mutating func add(_ item: ManifestItem) -> ManifestError? {
        switch item {
        case .invalid(let error):
            counts.errors += 1
            return error
        case .otherKind(let kind, _):
            counts.objects += 1
            counts.otherKinds[kind, default: 0] += 1
            return nil
        case .workload(let workload):
            counts.objects += 1
            counts.workloads += 1
            let namespace = workload.namespace ?? defaultNamespace
            let key = WorkloadKey(namespace: namespace, kind: workload.kind.rawValue, name: workload.name)
            if sources[key, default: []].count < Self.sourceLimit { sources[key, default: []].append(workload.location.short) }
            let object = Self.objectJSON(workload)
            let hasName = workload.object["metadata"]?["name"]?.string.map { !$0.isEmpty } ?? false
            if let error = judge(kind: workload.kind, apiVersion: Self.apiVersion(workload), namespace: namespace,
                                 name: hasName ? workload.name : nil, object: object, key: key, location: workload.location) {
                counts.errors += 1
                return error
            }
            guard workload.kind != .pod, workload.kind != .podTemplate,
                  let pod = Self.podJSON(workload, namespace: namespace) else { return nil }
            if let error = judge(kind: .pod, apiVersion: "v1", namespace: namespace, name: nil, object: pod, key: key,
                                 location: workload.location) {
                counts.errors += 1
                return error
            }
            return nil
        }
    }

    /// The report: rows sorted as a report's, with their sources; a row's times are left empty (the
    /// synthetic events carry the time of the check, which would make every run's output differ).
    public func report(budget: Int) -> Report {
        var report = builder.report(budget: budget)
        report.manifests = counts
        for index in report.workloads.indices {
            let row = report.workloads[index]
            report.workloads[index].sources = sources[WorkloadKey(namespace: row.namespace, kind: row.kind, name: row.name)] ?? []
            report.workloads[index].firstSeen = ""
            report.workloads[index].lastSeen = ""
        }
        return report
    }

    private mutating func judge(kind: WorkloadKind, apiVersion: String, namespace: String, name: String?, object: String,
                                key: WorkloadKey, location: ManifestLocation) -> ManifestError? {
        requests += 1
        var objectRef = "{\"resource\":\(JSONText.quoted(kind.resource)),\"namespace\":\(JSONText.quoted(namespace))"
        if let name { objectRef += ",\"name\":\(JSONText.quoted(name))" }
        if !kind.apiGroup.isEmpty { objectRef += ",\"apiGroup\":\(JSONText.quoted(kind.apiGroup))" }
        let version = apiVersion.split(separator: "/").last.map(String.init) ?? "v1"
        objectRef += ",\"apiVersion\":\(JSONText.quoted(version))}"
        let uri = (kind.apiGroup.isEmpty ? "/api/v1" : "/apis/\(kind.apiGroup)/\(version)") + "/namespaces/\(namespace)/\(kind.resource)"
        let event = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Request\","
            + "\"auditID\":\"pspctl-check-\(requests)\",\"stage\":\"ResponseComplete\","
            + "\"requestURI\":\(JSONText.quoted(uri)),\"verb\":\"create\","
            + "\"user\":{\"username\":\(JSONText.quoted(Self.user)),\"groups\":[\"system:authenticated\"]},"
            + "\"sourceIPs\":[\"127.0.0.1\"],\"objectRef\":\(objectRef),\"requestObject\":\(object),"
            + "\"requestReceivedTimestamp\":\"\(timeText)\",\"stageTimestamp\":\"\(timeText)\"}"
        let document: JSONDocument
        do { document = try JSONDocument(parsing: event) } catch {
            return ManifestError(file: location.file, location: location, message: "cannot be written as an audit event (a pspctl bug): \(error)")
        }
        builder.add(K8sAuditEvent(object: document.root, timeNs: timeNs, kindWasRewritten: false), as: key)
        return nil
    }

    /// The object's apiVersion, or its kind's usual one when the manifest writes none.
    static func apiVersion(_ workload: ManifestWorkload) -> String {
        workload.apiVersion.isEmpty ? workload.kind.apiVersion : workload.apiVersion
    }

    /// The object with its kind and apiVersion first (a typed list's item may lack them).
    static func objectJSON(_ workload: ManifestWorkload) -> String {
        var members = ["\"apiVersion\":" + JSONText.quoted(apiVersion(workload)), "\"kind\":" + JSONText.quoted(workload.kind.rawValue)]
        for member in workload.object.members where member.key != "apiVersion" && member.key != "kind" {
            members.append(JSONText.quoted(member.key) + ":" + member.value.dump())
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// The pod a controller's template makes: the template's metadata (labels, annotations) with the
    /// namespace and a `generateName` of the controller's name, and its spec.
    static func podJSON(_ workload: ManifestWorkload, namespace: String) -> String? {
        guard let template = workload.kind.template(in: workload.object) else { return nil }
        var metadata: [String] = []
        if let templateMetadata = template["metadata"], templateMetadata.kind == .object {
            for member in templateMetadata.members where !["name", "generateName", "namespace", "ownerReferences"].contains(member.key) {
                metadata.append(JSONText.quoted(member.key) + ":" + member.value.dump())
            }
        }
        metadata.append("\"generateName\":" + JSONText.quoted(workload.name + "-"))
        metadata.append("\"namespace\":" + JSONText.quoted(namespace))
        let spec = template["spec"].map { $0.dump() } ?? "{}"
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{" + metadata.joined(separator: ",") + "},\"spec\":" + spec + "}"
    }
}
