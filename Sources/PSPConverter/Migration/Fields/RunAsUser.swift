import PodSecurity

/// `runAsUser` (§6.2 rule 7, §6.4, §6.6 G1): RunAsAny and MustRunAs let containers run without
/// `runAsNonRoot: true` (judged by `runAsNonRoot`, and `runAsUser` for uid 0); MustRunAsNonRoot sets it on
/// containers that set neither field, but admits a non-zero `runAsUser` without it (gap G1).
extension FieldMapping {
    static let runAsUser = FieldMapping(field: "runAsUser") { psp in
        var advice = FieldAdvice()
        let strategy = psp.runAsUser
        switch strategy?.rule {
        case .mustRunAsNonRoot:
            advice.defaults = [MutatingDefault(text: "sets runAsNonRoot: true on containers that set neither runAsNonRoot nor runAsUser",
                                               without: WitnessPod.container { $0.shared.runAsNonRoot = nil })]
            advice.gaps = [Witness("containers with a non-zero runAsUser and no runAsNonRoot (MustRunAsNonRoot admits them)",
                                   pod: WitnessPod.container { $0.shared.runAsNonRoot = nil; $0.shared.runAsUser = 1000 })]
        case .mustRunAs:
            let ranges = strategy?.ranges ?? []
            let uid = ranges.contains { $0.contains(0) } ? 0 : ranges.first?.min ?? 0
            advice.witnesses = [Witness("running as user \(uid) without runAsNonRoot (MustRunAs \(rangeText(ranges)))",
                                        pod: WitnessPod.container { $0.shared.runAsNonRoot = nil; $0.shared.runAsUser = uid })]
            advice.defaults = [MutatingDefault(text: "sets runAsUser \(ranges.first?.min ?? 0) on containers that set none", without: nil)]
            advice.notCovered = ["user ids only in \(rangeText(ranges)): Pod Security Standards only forbid uid 0 and require runAsNonRoot (restricted)"]
        default:
            if strategy?.rule == nil { advice.notes.append("runAsUser has no rule (the API server requires one): read as RunAsAny") }
            advice.witnesses = [Witness("running as root (rule RunAsAny)",
                                        pod: WitnessPod.container { $0.shared.runAsNonRoot = nil; $0.shared.runAsUser = 0 })]
        }
        return advice
    }
}
