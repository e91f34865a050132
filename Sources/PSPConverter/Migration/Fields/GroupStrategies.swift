/// `runAsGroup`, `supplementalGroups`, `fsGroup` (§6.2 rule 13, §6.5): no Pod Security Standards check
/// reads group ids, so their ranges are lost on migration, and so are the ids MustRunAs fills in.
extension FieldMapping {
    static let runAsGroup = groupStrategy("runAsGroup", \.runAsGroup, fills: "runAsGroup on containers")
    static let supplementalGroups = groupStrategy("supplementalGroups", \.supplementalGroups, fills: "the pod's supplementalGroups")
    static let fsGroup = groupStrategy("fsGroup", \.fsGroup, fills: "the pod's fsGroup")

    private static func groupStrategy(_ field: String, _ keyPath: KeyPath<PodSecurityPolicy, IDStrategy?> & Sendable,
                                      fills: String) -> FieldMapping {
        FieldMapping(field: field) { psp in
            var advice = FieldAdvice()
            guard let strategy = psp[keyPath: keyPath], let rule = strategy.rule,
                  rule == .mustRunAs || rule == .mayRunAs else { return advice }
            advice.notCovered = ["\(rule.rawValue) \(rangeText(strategy.ranges)): Pod Security Standards do not limit group ids"]
            if rule == .mustRunAs {
                advice.defaults = [MutatingDefault(text: "sets \(fills) to \(strategy.ranges.first?.min ?? 0) when unset", without: nil)]
            }
            return advice
        }
    }
}
