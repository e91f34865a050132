import K8sAuditFields
import PodSecurity
import PSPAdmission
import PSPConverter
import RulesEngine
import YAMLKit

/// Why a `--policy` (or a file it names) cannot be used: printed as `pspctl report: <message>`, exit 2.
public struct ReportInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One failing check or rule of one request: a Pod Security Standards check id with PSA's forbidden reason
/// and detail, or a rule's name with its rendered output.
public struct PolicyFailure: Sendable, Equatable, Codable {
    /// The check id (`runAsNonRoot`), the PSP field a `psp:` policy rejects on (`privileged`), or the rule name.
    /// A `psp:` failure's reason is the API server's field path and its detail the error after it, so
    /// `reason: detail` reads as the API server's (`spec.volumes[0]: Invalid value: "emptyDir": …`).
    public var check: String
    public var reason: String
    public var detail: String
    public init(check: String, reason: String, detail: String) {
        self.check = check; self.reason = reason; self.detail = detail
    }
}

/// What kind of candidate a policy is (`kind` in the JSON report).
public enum ReportPolicyKind: String, Sendable, Codable {
    case pss, psp, rules
}

/// One candidate policy of a report: how it judges one pod-creating request.
public final class ReportPolicy: @unchecked Sendable {
    /// As the report names it: `pss:restricted:v1.30`, `psp:<metadata.name>`, `rules:<file>`.
    public let id: String
    public let kind: ReportPolicyKind
    /// A `pss:` policy's level and version.
    public let standard: PolicyLevelVersion?
    private let engine: RulesEngine?
    /// A `psp:` policy: PSP admission itself (mutation, then validation), not falcoctl's rules.
    private let admission: PSPAdmission?
    /// Each rule's own `output` (without the alert's time and priority), indexed like the engine's rules.
    private let outputs: [K8sOutputFormat?]

    init(id: String, kind: ReportPolicyKind, standard: PolicyLevelVersion? = nil, engine: RulesEngine? = nil,
         admission: PSPAdmission? = nil) {
        self.id = id; self.kind = kind; self.standard = standard; self.engine = engine; self.admission = admission
        activeChecks = standard.map { CheckRegistry.standard.activeChecks(level: $0.level, version: $0.version) } ?? []
        outputs = engine?.rules.map { try? K8sOutputFormat(parsing: $0.output, registry: RulesEngine.k8sFieldRegistry) } ?? []
    }

    /// The failures of one request: `pod` is the pod spec it writes (the pod, or the controller's pod
    /// template). `pss:` policies run Pod Security Admission's checks on it; `psp:` policies judge it as PSP
    /// admission would (a controller's template as the pods it creates); `rules:` policies run their rules on
    /// the event, every matching rule being one failure.
    /// A `pss:` policy's active checks, in Pod Security Admission's order (what `CheckRegistry.evaluate` runs).
    public let activeChecks: [ActiveCheck]

    /// `check(i)` gives the verdict of `activeChecks[i]` on the request's pod: the builder evaluates each check
    /// entry that several `pss:` policies share once per request.
    func judge(_ context: K8sEventContext, pod: PodSpecView, check: (Int) -> CheckResult) throws -> [PolicyFailure] {
        if standard != nil {
            var failures: [PolicyFailure] = []
            for (index, active) in activeChecks.enumerated() {
                let result = check(index)
                if !result.allowed {
                    failures.append(PolicyFailure(check: active.check.id, reason: result.forbiddenReason, detail: result.forbiddenDetail))
                }
            }
            return failures
        }
        if let admission {
            return admission.judge(pod).map { PolicyFailure(check: $0.check, reason: $0.field, detail: $0.message) }
        }
        guard let engine else { return [] }
        var failures: [PolicyFailure] = []
        try engine.forEachMatch(for: context, allMatches: true) { index, rule in
            let output = index < outputs.count ? outputs[index]?.render(in: context) ?? "" : ""
            failures.append(PolicyFailure(check: rule.name, reason: rule.name, detail: output))
        }
        return failures
    }
}

/// Reads `--policy` specs into policies, in the order given.
public enum ReportPolicies {
    public static let specSyntax = "pss:LEVEL:VERSION (pss:restricted:v1.30, pss:baseline:latest), psp:FILE or rules:FILE"

    /// `read` reads a file named by a spec (path → text). Throws a `ReportInputError` naming the spec.
    public static func load(_ specs: [String], read: (String) throws -> String) throws -> [ReportPolicy] {
        var policies: [ReportPolicy] = []
        for spec in specs {
            let loaded = try load(spec, read: read)
            for policy in loaded {
                if policies.contains(where: { $0.id == policy.id }) {
                    throw ReportInputError("--policy \(spec): the policy \(policy.id) is given twice")
                }
                policies.append(policy)
            }
        }
        return policies
    }

    static func load(_ spec: String, read: (String) throws -> String) throws -> [ReportPolicy] {
        guard let colon = spec.firstIndex(of: ":") else {
            throw ReportInputError("--policy \(spec): expected \(specSyntax)")
        }
        let scheme = String(spec[..<colon])
        let rest = String(spec[spec.index(after: colon)...])
        switch scheme {
        case "pss":
            return [try standard(spec, rest)]
        case "psp":
            guard !rest.isEmpty else { throw ReportInputError("--policy \(spec): psp: needs a file (psp:FILE.yaml)") }
            return try psps(spec, text: read(rest))
        case "rules":
            guard !rest.isEmpty else { throw ReportInputError("--policy \(spec): rules: needs a file (rules:FILE.yaml)") }
            let engine = RulesEngine()
            do {
                for file in try RulesEngine.rulesFilePaths(rest) {
                    _ = try engine.load(text: RulesEngine.readRulesFile(file), name: file)
                }
            } catch {
                throw ReportInputError("--policy \(spec): \(error)")
            }
            return [ReportPolicy(id: spec, kind: .rules, engine: engine)]
        default:
            throw ReportInputError("--policy \(spec): unknown kind \"\(scheme)\": expected \(specSyntax)")
        }
    }

    /// `pss:LEVEL[:VERSION]` (the version defaults to latest).
    static func standard(_ spec: String, _ rest: String) throws -> ReportPolicy {
        let parts = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let level: PolicyLevel
        let version: PolicyVersion
        do { level = try PolicyLevel(parsing: parts[0]) } catch {
            throw ReportInputError("--policy \(spec): level \"\(parts[0])\" \(error.message)")
        }
        let versionText = parts.count > 1 ? parts[1] : "latest"
        do { version = try PolicyVersion(parsing: versionText) } catch {
            throw ReportInputError("--policy \(spec): version \"\(versionText)\" \(error.message)")
        }
        let standard = PolicyLevelVersion(level: level, version: version)
        return ReportPolicy(id: "pss:\(standard)", kind: .pss, standard: standard)
    }

    /// Every PodSecurityPolicy of a (multi-document) file, each judged as PSP admission would (PSPAdmission;
    /// the PSP read as `convert` reads it).
    static func psps(_ spec: String, text: String) throws -> [ReportPolicy] {
        var policies: [ReportPolicy] = []
        for (index, document) in documents(of: text).enumerated() {
            let nodes: [YAMLNode]
            do { nodes = try YAML.parseDocuments(document) } catch {
                throw ReportInputError("--policy \(spec): document \(index + 1): \(error)")
            }
            guard let node = nodes.first else { continue }   // comments only
            let name = node["metadata"]?["name"]?.scalarText ?? "document-\(index + 1)"
            let admission: PSPAdmission
            do { admission = try PSPAdmission(yaml: document) } catch {
                throw ReportInputError("--policy \(spec): document \(index + 1): \(error)")
            }
            policies.append(ReportPolicy(id: "psp:\(name)", kind: .psp, admission: admission))
        }
        guard !policies.isEmpty else { throw ReportInputError("--policy \(spec): the file holds no PodSecurityPolicy") }
        return policies
    }

    /// The documents of a YAML stream, split as kubectl splits them: at lines starting with `---`.
    static func documents(of text: String) -> [String] {
        var documents: [String] = []
        var current = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("---") {
                documents.append(current)
                current = ""
                continue
            }
            current += line + "\n"
        }
        documents.append(current)
        return documents
    }
}
