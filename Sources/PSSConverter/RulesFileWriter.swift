import FalcoRulesText
import PodSecurity

/// Writes the rules file: request macros shared by every PSS file, the level's exemption lists and
/// macros (named after the level, so a baseline and a restricted file can be loaded together), then one
/// rule per active check in PSA's evaluation order (the first failing check is the rule that fires).
/// Every rule tests the same `ka.pss.failing[<level>/<version>]`, so the engine judges a pod spec once.
struct RulesFileWriter {
    let policy: PolicyLevelVersion
    let effectiveVersion: PolicyVersion
    let checks: [ActiveCheck]
    let exemptions: Exemptions

    private var prefix: String { "pss_\(policy.level)" }

    func text() -> String {
        var items: [[(String, String)]] = []
        if !checks.isEmpty {
            items += requestMacros()
            items += exemptionItems()
            items += checks.map(rule)
        }
        let clamped = effectiveVersion == policy.version ? "" : " (evaluated as policy version \(effectiveVersion))"
        let header = """
            # Pod Security Standards: PodSecurity "\(policy)"\(clamped) as pspctl rules for Kubernetes
            # audit events, written by `pspctl convert --standard` (run them with `pspctl watch`).
            # One rule per check Pod Security Admission runs at this level, in PSA's order. The fields
            # ka.req.podspec.* and ka.pss.* are pspctl's (docs/pod-security-standards.md).


            """
        return header + items.map(render).joined(separator: "\n")
    }

    /// The requests PSA judges: creates and updates (incl. patches) of pods and of their subresources other
    /// than those PSA ignores, and of pod controllers' main resource; once per request (the ResponseComplete
    /// stage; an event without any stage is judged too, since nothing else would judge it).
    private func requestMacros() -> [[(String, String)]] {
        let controllers = WorkloadKind.allCases.filter(\.isPodController).map(\.rawValue)
        return [
            macro("pss_judged_pod_request", """
                \(PodSecurityFields.podSpecKind) = \(WorkloadKind.pod.rawValue) and not ka.target.subresource in \
                (\(PodSecurityAdmission.unjudgedPodSubresources.joined(separator: ", ")))
                """),
            macro("pss_judged_controller_request", """
                \(PodSecurityFields.podSpecKind) in (\(controllers.joined(separator: ", "))) and not ka.target.subresource exists
                """),
            macro("pss_judged_request", """
                (ka.stage = ResponseComplete or not ka.stage exists) and ka.verb in (\(PodSecurityAdmission.judgedVerbs.joined(separator: ", "))) \
                and (pss_judged_pod_request or pss_judged_controller_request)
                """),
        ]
    }

    /// Lists users can append to, and the macro PSA's exemptions amount to. The user PSA sees is the
    /// impersonated one when the request impersonates.
    private func exemptionItems() -> [[(String, String)]] {
        let users = "\(prefix)_exempt_users", namespaces = "\(prefix)_exempt_namespaces"
        let runtimeClasses = "\(prefix)_exempt_runtime_classes"
        return [
            list(users, exemptions.users),
            list(namespaces, exemptions.namespaces),
            list(runtimeClasses, exemptions.runtimeClasses),
            macro("\(prefix)_exempt_request", """
                ka.target.namespace in (\(namespaces)) or ka.impuser.name in (\(users)) \
                or (not ka.impuser.name exists and ka.user.name in (\(users))) \
                or \(PodSecurityFields.podSpecRuntimeClass) in (\(runtimeClasses))
                """),
        ]
    }

    private func rule(_ active: ActiveCheck) -> [(String, String)] {
        let check = active.check
        let index = "\(check.id)/\(policy.version)", levelIndex = "\(policy.level)/\(policy.version)"
        let output = "%\(PodSecurityFields.podSpecKind) %\(PodSecurityFields.podSpecName) would violate PodSecurity "
            + "\"\(policy)\": %\(PodSecurityFields.forbidden)[\(index)] (user=%ka.user.name verb=%ka.verb "
            + "namespace=%ka.target.namespace auditid=%ka.auditid "
            + "violations=%\(PodSecurityFields.violations)[\(levelIndex)])"
        return [
            ("rule", "PSS \(policy.level) Violation (\(check.id))"),
            ("desc", "Pod Security Standards \(policy), control \(check.control) (PSA check \(check.id), "
                + "entry of \(active.entry.minimumVersion)): \(check.summary)"),
            ("condition", "pss_judged_request and not \(prefix)_exempt_request "
                + "and \(PodSecurityFields.failing)[\(levelIndex)] intersects (\(check.id))"),
            ("output", output),
            ("priority", "WARNING"),
            ("source", "k8s_audit"),
            ("tags", flowSequence(["pss", policy.level.rawValue, check.id])),
        ].map { key, value in (key, key == "tags" ? value : YAMLText.scalar(value)) }
    }

    private func macro(_ name: String, _ condition: String) -> [(String, String)] {
        [("macro", name), ("condition", YAMLText.scalar(condition))]
    }

    /// Items are written as condition tokens (quoted where needed), since Falco pastes them into `in (…)`.
    /// The exemptions were checked to be writable (`PSSConverter.mergedExemptions`).
    private func list(_ name: String, _ values: [String]) -> [(String, String)] {
        guard let items = ListItems.flowSequence(values) else { preconditionFailure("list \(name) holds an unwritable item") }
        return [("list", name), ("items", items)]
    }

    private func flowSequence(_ values: [String]) -> String {
        "[" + values.map { YAMLText.scalar($0, inFlow: true) }.joined(separator: ", ") + "]"
    }

    private func render(_ item: [(String, String)]) -> String {
        item.enumerated().map { offset, pair in "\(offset == 0 ? "- " : "  ")\(pair.0): \(pair.1)\n" }.joined()
    }
}
