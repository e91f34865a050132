import AuditJSON
import PodSecurity

/// What the cluster's own Pod Security Admission recorded on one request: the audit annotations it adds to
/// the event's top-level `annotations` (`…/enforce-policy`, `…/audit-violations`, `…/exempt`), matched on
/// the key's suffix so both the in-tree plugin (`pod-security.kubernetes.io/`) and the webhook
/// (`pod-security-webhook.kubernetes.io/`, `advisory.…`) are read (policy-reports.md §5).
struct ClusterAnnotations: Equatable {
    /// `enforce-policy`: the level:version the request was enforced at (pods only).
    var enforcePolicy: PolicyLevelVersion?
    /// The level:version an `audit-violations` annotation says the object violates, and the annotation.
    var auditViolation: PolicyLevelVersion?
    var auditViolationText: String?
    /// `exempt`: `namespace`, `user` or `runtimeClass`.
    var exempt: String?
    /// The request was denied by Pod Security Admission (`403` whose message says `violates PodSecurity`).
    var denied = false

    /// nil when the event carries none of Pod Security Admission's annotations.
    init?(event root: JSONNode) {
        guard let annotations = root["annotations"], annotations.kind == .object else { return nil }
        var found = false
        for (key, value) in annotations.members {
            guard let slash = key.lastIndex(of: "/"), let text = value.string else { continue }
            switch key[key.index(after: slash)...] {
            case "enforce-policy":
                found = true
                enforcePolicy = Self.levelVersion(text)
            case "audit-violations":
                found = true
                auditViolationText = text
                // `would violate PodSecurity "<level>:<version>": <detail>`
                let quoted = text.split(separator: "\"", maxSplits: 2, omittingEmptySubsequences: false)
                if quoted.count == 3 { auditViolation = Self.levelVersion(String(quoted[1])) }
            case "exempt":
                found = true
                exempt = text
            default:
                continue
            }
        }
        guard found else { return nil }
        if let status = root["responseStatus"], case .int(403)? = status["code"]?.number,
           let message = status["message"]?.string, message.contains("violates PodSecurity") {
            denied = true
        }
    }

    static func levelVersion(_ text: String) -> PolicyLevelVersion? {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let level = try? PolicyLevel(parsing: String(parts[0])),
              let version = try? PolicyVersion(parsing: String(parts[1])) else { return nil }
        return PolicyLevelVersion(level: level, version: version)
    }

    /// Whether the cluster found the object in violation of `standard`: true when `audit-violations` names
    /// it or the request was denied while enforced at it, false when it was admitted while enforced at it
    /// (and nothing says it violates), nil when the annotations say nothing about `standard` (another
    /// level or version, or the request was exempt). `latest` matches `latest` only: the cluster's latest
    /// is its own Kubernetes version, which the log does not say.
    func violates(_ standard: PolicyLevelVersion) -> Bool? {
        if exempt != nil { return nil }
        if auditViolation == standard { return true }
        if enforcePolicy == standard { return denied }
        return nil
    }
}

/// How a `pss:` policy's verdicts on one workload compare with what the cluster recorded.
public struct ClusterComparison: Sendable, Codable, Equatable {
    /// Requests whose annotations said something about this policy's level and version.
    public var comparedRequests = 0
    /// Of those, the ones where pspctl's verdict differs.
    public var disagreements = 0
    /// The first disagreement seen.
    public var firstDisagreement: Disagreement?

    public struct Disagreement: Sendable, Codable, Equatable {
        /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
        public var time: String
        /// `violates` or `admits`.
        public var cluster: String
        /// `fail` or `pass`.
        public var pspctl: String
        /// The request's `audit-violations` annotation, or its `enforce-policy` one.
        public var annotation: String
    }
}
