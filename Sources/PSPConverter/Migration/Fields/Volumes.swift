import PodSecurity

/// `volumes` (§6.2 rule 4): every listed type becomes a volume of one witness pod, judged by
/// `hostPathVolumes` / `restrictedVolumes`. `*` admits every type, hostPath included. An empty list admits
/// no volume at all.
extension FieldMapping {
    static let volumes = FieldMapping(field: "volumes") { psp in
        guard !psp.volumes.isEmpty else { return FieldAdvice() }
        let types = psp.volumes.contains("*") ? ["*"] : psp.volumes
        let volumes = types.map { type in
            // `*`: the type no level but privileged admits. PSP's `cephFS` is the pod's `cephfs`.
            let source = type == "*" ? "hostPath" : type == "cephFS" ? "cephfs" : type
            return Volume(name: type == "*" ? "any-hostPath" : type, sources: [source])
        }
        let allowance = types == ["*"] ? "volumes of every type (*), hostPath included" : "volumes of type \(listPhrase(types))"
        return FieldAdvice(witnesses: [Witness(allowance, pod: WitnessPod.pod { $0.spec.volumes = volumes })])
    }
}
