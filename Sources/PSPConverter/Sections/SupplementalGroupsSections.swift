/// `supplementalGroups` MustRunAs and MayRunAs (psp-conversion.md §2.4.10).
protocol SupplementalGroupsSection: PropertySection {
    static var rule: IDStrategy.Rule { get }
    /// falcoctl's desc says "a supplementalGroups" for MayRunAs only.
    static var descSubject: String { get }
    /// MayRunAs lets a pod set no supplementalGroups.
    static var allowsUnset: Bool { get }
}

extension SupplementalGroupsSection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        guard let strategy = context.policy.supplementalGroups, strategy.rule == rule else {
            // The "no rule" summary line is written once, by the MustRunAs section.
            let current = context.policy.supplementalGroups
            guard rule == .mustRunAs, current?.rule != .mustRunAs, current?.rule != .mayRunAs else { return .silent }
            return .none(field: "supplementalGroups", setting: current.map { $0.rule?.rawValue ?? "no rule" } ?? "absent",
                         reason: "any groups allowed")
        }
        let rendered = RangeText.quoted(strategy.ranges)
        let name = rule.rawValue
        let ruleBlock = RuleBlock.k8sAudit(context.names, "(supplementalGroups=\(name))",
            desc: "Detect a psp validation failure for \(descSubject) outside of the \(name) allowed set using k8s audit logs",
            condition: "not ka.req.pod.supplemental_groups in (\(rendered)\(allowsUnset ? ",\"<NA>\"" : ""))",
            output: "supplementalGroups outside of the \(name) allowed set. supplementalGroups \(name) set=(\(rendered))")
        return .rules(title: "supplementalGroups property: \(name) + list of gids", body: ruleBlock.render(),
                      rules: [ruleBlock], field: "supplementalGroups", setting: "\(name) \(strategy.ranges.summaryText)")
    }
}

enum SupplementalGroupsMustRunAsSection: SupplementalGroupsSection {
    static let rule = IDStrategy.Rule.mustRunAs, descSubject = "supplementalGroups", allowsUnset = false
}

enum SupplementalGroupsMayRunAsSection: SupplementalGroupsSection {
    static let rule = IDStrategy.Rule.mayRunAs, descSubject = "a supplementalGroups", allowsUnset = true
}
