/// `hostPorts` (§6.2 rule 3): any range admitting a port ≥ 1 passes only privileged (PSP checks only
/// `hostPort > 0`, so `0-0` admits nothing). Ranges narrower than "every port" cannot be expressed (§6.5).
extension FieldMapping {
    static let hostPorts = FieldMapping(field: "hostPorts") { psp in
        let admitting = psp.hostPorts.filter { $0.max >= 1 }
        guard !admitting.isEmpty else { return FieldAdvice() }
        var advice = FieldAdvice()
        let ports = admitting.map { Swift.max($0.min, 1) }
        advice.witnesses = [Witness("host ports \(rangeText(admitting))",
                                    pod: WitnessPod.pod { $0.spec.containers[0].hostPorts = ports })]
        let everyPort = admitting.contains { $0.min <= 1 && $0.max >= 65535 }
        if !everyPort {
            advice.notCovered.append("host ports only in \(rangeText(admitting)): Pod Security Standards allow no host port "
                + "below privileged, and any port at privileged")
        }
        return advice
    }
}
