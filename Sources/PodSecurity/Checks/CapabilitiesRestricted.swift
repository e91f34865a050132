/// `capabilities_restricted` (restricted, v1.22 and v1.25; overrides `capabilities_baseline`): every
/// container must drop `ALL` and may add back only `NET_BIND_SERVICE`; from v1.25 Windows pods are exempt.
let capabilitiesRestrictedCheck = PodSecurityCheck(
    id: "capabilities_restricted", level: .restricted, control: "Capabilities",
    summary: "Containers must drop ALL capabilities, and may only add back NET_BIND_SERVICE.",
    versions: [
        VersionedCheck(.v(1, 22), overrides: ["capabilities_baseline"], capabilitiesRestricted_1_22),
        VersionedCheck(.v(1, 25), overrides: ["capabilities_baseline"], skippingWindowsPods(capabilitiesRestricted_1_22)),
    ])

private func capabilitiesRestricted_1_22(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    let forbiddenAdded = { (container: Container) in
        (container.securityContext?.capabilities?.add ?? []).filter { $0 != "NET_BIND_SERVICE" }
    }
    // A container without a capabilities object is only "missing drop ALL"; exact, case-sensitive `ALL`.
    let missingDropAll = spec.containerNames { !($0.securityContext?.capabilities?.drop.contains("ALL") ?? false) }
    let addingForbidden = spec.containerNames { !forbiddenAdded($0).isEmpty }
    var details: [String] = []
    if !missingDropAll.isEmpty {
        details.append("\(containersPhrase(missingDropAll)) must set securityContext.capabilities.drop=[\"ALL\"]")
    }
    if !addingForbidden.isEmpty {
        let capabilities = sortedDistinct(spec.allContainers.flatMap(forbiddenAdded))
        details.append("\(containersPhrase(addingForbidden)) must not include \(joinQuote(capabilities)) in securityContext.capabilities.add")
    }
    guard !details.isEmpty else { return .allowed }
    return .forbidden("unrestricted capabilities", details.joined(separator: "; "))
}
