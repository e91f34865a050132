import PodSecurity

/// `hostNetwork`, `hostPID`, `hostIPC` (§6.2 rule 2): a pod in a host namespace passes only privileged.
extension FieldMapping {
    static let hostNetwork = hostNamespace("hostNetwork", \.hostNetwork, \.hostNetwork)
    static let hostPID = hostNamespace("hostPID", \.hostPID, \.hostPID)
    static let hostIPC = hostNamespace("hostIPC", \.hostIPC, \.hostIPC)

    private static func hostNamespace(_ field: String, _ allowed: KeyPath<PodSecurityPolicy, Bool?> & Sendable,
                                      _ podField: WritableKeyPath<PodSpec, Bool?> & Sendable) -> FieldMapping {
        FieldMapping(field: field) { psp in
            guard psp[keyPath: allowed] == true else { return FieldAdvice() }
            return FieldAdvice(witnesses: [Witness("pods with \(field): true", pod: WitnessPod.pod { $0.spec[keyPath: podField] = true })])
        }
    }
}
