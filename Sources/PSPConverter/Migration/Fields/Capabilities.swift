import PodSecurity

/// `allowedCapabilities`, `defaultAddCapabilities` and `requiredDropCapabilities` (§6.2 rule 5, §6.4):
/// capabilities a container may add are judged by `capabilities_baseline` / `capabilities_restricted`;
/// `*` stands for every capability (SYS_ADMIN judges it). A container drops what the PSP requires.
extension FieldMapping {
    static let allowedCapabilities = FieldMapping(field: "allowedCapabilities") { psp in
        guard !psp.allowedCapabilities.isEmpty else { return FieldAdvice() }
        let wildcard = psp.allowedCapabilities.contains("*")
        let added = wildcard ? ["SYS_ADMIN"] : psp.allowedCapabilities
        let allowance = wildcard ? "adding any capability (*), e.g. SYS_ADMIN" : "adding \(listPhrase(added))"
        return FieldAdvice(witnesses: [Witness(allowance, pod: WitnessPod.container { $0.capabilities = Capabilities(add: added, drop: ["ALL"]) })])
    }

    static let defaultAddCapabilities = FieldMapping(field: "defaultAddCapabilities") { psp in
        guard !psp.defaultAddCapabilities.isEmpty else { return FieldAdvice() }
        let added = psp.defaultAddCapabilities
        var advice = FieldAdvice()
        advice.witnesses = [Witness("adding \(listPhrase(added)) (added by default)",
                                    pod: WitnessPod.container { $0.capabilities = Capabilities(add: added, drop: ["ALL"]) })]
        advice.defaults = [MutatingDefault(text: "adds \(listPhrase(added)) to every container's securityContext.capabilities.add: "
            + "pods that need them must add them themselves", without: nil)]
        return advice
    }

    static let requiredDropCapabilities = FieldMapping(field: "requiredDropCapabilities") { psp in
        let drops = psp.requiredDropCapabilities
        var advice = FieldAdvice()
        advice.witnesses = [Witness(drops.isEmpty ? "containers that drop no capability"
                                        : "containers that drop only \(listPhrase(drops))",
                                    pod: WitnessPod.container { $0.capabilities = Capabilities(drop: drops) })]
        if !drops.isEmpty {
            advice.defaults = [MutatingDefault(
                text: "adds \(listPhrase(drops)) to every container's securityContext.capabilities.drop",
                without: WitnessPod.container { $0.capabilities = nil })]
        }
        return advice
    }
}
