/// `ka.req.pod.containers.host_port` (§2.4.6): each port's `hostPort`; `containerPort` stands in for an
/// absent `hostPort` only under `hostNetwork: true`, where Kubernetes defaults hostPort to containerPort
/// (pspctl's correction: upstream reported it for every pod).
enum HostPortField {
    static let spec = FieldSpec(
        name: "ka.req.pod.containers.host_port",
        description: "When the request object refers to a container, the container's hostPort values.",
        indexMode: .optionalNumeric
    ) { context in
        guard let containers = PodPaths.containers.resolve(in: context) else { return .failure }
        let usesHostNetwork = PodPaths.hostNetwork.resolve(in: context)?.bool == true
        var values = ValueAccumulator()
        JSONValues.visitChildren(of: containers) { container in
            guard let ports = container["ports"] else { return true }
            JSONValues.visitChildren(of: ports) { port in
                if let hostPort = port["hostPort"] {
                    values.append(JSONValues.value(of: hostPort))
                } else if usesHostNetwork, let containerPort = port["containerPort"] {
                    values.append(JSONValues.value(of: containerPort))
                }
                return true
            }
            return true
        }
        return values.values
    }
}
