import AuditJSON
import K8sAuditFields

/// `ka.req.pod.containers.apparmor_profile`: each container's AppArmor profile annotation. A container's
/// profile lives in the pod annotation `container.apparmor.security.beta.kubernetes.io/<container name>`,
/// which no Falco 0.31.1 field can join to the container; the PSP converter's AppArmor rule needs it.
enum ContainerAppArmorField {
    static let name = "ka.req.pod.containers.apparmor_profile"
    static let annotationPrefix = "container.apparmor.security.beta.kubernetes.io/"

    static var definition: K8sFieldDefinition {
        K8sFieldDefinition(
            name: name,
            description: "AppArmor profile annotation of each container of the pod in the request (init containers, then containers, then ephemeral containers); <NA> for a container without one.",
            indexMode: .optionalNumeric) { event, _ in extract(event) }
    }

    static func extract(_ event: K8sAuditEvent) -> K8sExtraction {
        guard let pod = event.object["requestObject"], let spec = pod["spec"] else { return .failure }
        let annotations = pod["metadata"]?["annotations"]
        var values: [K8sValue] = []
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            for container in spec[list]?.elements ?? [] {
                let containerName = container["name"]?.string ?? ""
                if let profile = annotations?[annotationPrefix + containerName]?.string {
                    values.append(K8sValue(classifying: profile))
                } else {
                    values.append(.notAvailable)
                }
            }
        }
        return .values(values)
    }
}
