import PodSecurity
import PSPConverter

// Capabilities (allowedCapabilities, defaultAddCapabilities, requiredDropCapabilities):
// - mutation: a container's add list gains the default adds it does not drop, its drop list the required drops
//   (the lists are then sorted, as Kubernetes' string sets are; unchanged when nothing is added);
// - validation, unless allowedCapabilities holds `*`: each added capability must be a default add or allowed
//   (exact names; an empty allowed list admits only the defaults), each required drop must be dropped.
extension Mutation {
    func generatedCapabilities(_ capabilities: Capabilities?) -> Capabilities? {
        let containerAdd = Set(capabilities?.add ?? []), containerDrop = Set(capabilities?.drop ?? [])
        let combinedAdd = Set(policy.defaultAddCapabilities).subtracting(containerDrop).union(containerAdd)
        let combinedDrop = Set(policy.requiredDropCapabilities).union(containerDrop)
        if combinedAdd.count == containerAdd.count && combinedDrop.count == containerDrop.count { return capabilities }
        return Capabilities(add: combinedAdd.sorted(), drop: combinedDrop.sorted())
    }
}

extension Validation {
    mutating func validateCapabilities(_ path: FieldPath, _ container: Container) {
        guard let capabilities = container.securityContext?.capabilities else {
            if !policy.defaultAddCapabilities.isEmpty || !policy.requiredDropCapabilities.isEmpty {
                add("requiredDropCapabilities",
                    [.invalid(path, .null, "required capabilities are not set on the securityContext")])
            }
            return
        }
        guard !policy.allowedCapabilities.contains("*") else { return }
        let addable = Set(policy.defaultAddCapabilities).union(policy.allowedCapabilities)
        add("allowedCapabilities", capabilities.add.filter { !addable.contains($0) }.map {
            .invalid(path.child("add"), .string($0), "capability may not be added")
        })
        let drops = Set(capabilities.drop)
        add("requiredDropCapabilities", policy.requiredDropCapabilities.filter { !drops.contains($0) }.map {
            .invalid(path.child("drop"), .capabilities(capabilities.drop), "\($0) is required to be dropped but was not found")
        })
    }
}
