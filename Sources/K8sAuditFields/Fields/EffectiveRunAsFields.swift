import AuditJSON

/// `ka.req.pod.containers.eff_run_as_user` / `eff_run_as_group` (§2.4.9): per container, its own id, else
/// the pod's, else 0 (kept: a pod that relies on PSP defaulting is worth an alert in a dry run).
enum EffectiveRunAsFields {
    static let specs: [FieldSpec] = [
        field("ka.req.pod.containers.eff_run_as_user", key: "runAsUser",
              "When the request object refers to a container, the container's effective runAsUser, taking the pod's runAsUser into account."),
        field("ka.req.pod.containers.eff_run_as_group", key: "runAsGroup",
              "When the request object refers to a container, the container's effective runAsGroup, taking the pod's runAsGroup into account."),
    ]

    private static func field(_ name: String, key: String, _ description: String) -> FieldSpec {
        let idPath = PointerPath("/securityContext/" + key)
        return FieldSpec(name: name, description: description, indexMode: .optionalNumeric) { context in
            guard let spec = PodPaths.spec.resolve(in: context) else { return .failure }
            var podDefault: Int64 = 0
            if let podID = idPath.resolve(in: spec) {
                // Upstream reads the pod-level id as a C `int`: 32-bit wrap-around kept.
                guard let id = JSONValues.int64(of: podID) else { return .failure }
                podDefault = Int64(Int32(truncatingIfNeeded: id))
            }
            guard let containers = PodPaths.containers.resolve(in: context) else { return .failure }
            var values = ValueAccumulator()
            var everyIDIsANumber = true
            JSONValues.visitChildren(of: containers) { container in
                guard let containerID = idPath.resolve(in: container) else { values.append(.integer(podDefault)); return true }
                guard let id = JSONValues.int64(of: containerID) else { everyIDIsANumber = false; return false }
                values.append(.integer(id))
                return true
            }
            return everyIDIsANumber ? values.values : .failure
        }
    }
}
