/// `ka.req.container.privileged` (§2.4.7, deprecated): `true` if any container is privileged, else `false`;
/// an absent flag counts as `false`, a non-boolean one makes the field `<NA>`.
enum PrivilegedField {
    private static let privilegedFlag = PointerPath("/securityContext/privileged")

    static let spec = FieldSpec(
        name: "ka.req.container.privileged",
        description: "When the request object refers to a container, whether or not any container is run privileged. (Deprecated, use ka.req.pod.containers.privileged instead)"
    ) { context in
        guard let containers = PodPaths.containers.resolve(in: context) else { return .failure }
        var result: ExtractedValues = .one(.string("false"))
        JSONValues.visitChildren(of: containers) { container in
            guard let flag = privilegedFlag.resolve(in: container) else { return true }   // absent: false
            guard let privileged = flag.bool else { result = .failure; return false }
            if privileged { result = .one(.string("true")) }
            return !privileged
        }
        return result
    }
}
