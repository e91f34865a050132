/// `appArmorProfile` (baseline, v1.0): AppArmor profiles, set by field or by the beta annotations,
/// must be the runtime default or a localhost profile.
let appArmorProfileCheck = PodSecurityCheck(
    id: "appArmorProfile", level: .baseline, control: "AppArmor",
    summary: "The default AppArmor profile must not be overridden or disabled; only RuntimeDefault and Localhost profiles are allowed.",
    versions: [VersionedCheck(.v(1, 0), appArmorProfile_1_0)])

private let appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/"

private func appArmorProfile_1_0(_ metadata: PodMetadata, _ spec: PodSpec) -> CheckResult {
    let fields = judgeSetting(pod: spec.securityContext?.shared.appArmorProfileType, in: spec,
                              container: { $0.securityContext?.shared.appArmorProfileType },
                              isValid: { $0 == "RuntimeDefault" || $0 == "Localhost" })
    // An empty annotation value is allowed, unlike an empty profile type.
    let badAnnotations = sortedDistinct(metadata.annotations.compactMap { key, value -> String? in
        guard key.hasPrefix(appArmorAnnotationPrefix),
              !(value.isEmpty || value == "runtime/default" || value.hasPrefix("localhost/")) else { return nil }
        return "\(key)=\(goQuote(value))"
    })
    guard fields.hasExplicitlyBad || !badAnnotations.isEmpty else { return .allowed }
    let badValues = sortedDistinct(fields.badValues) + badAnnotations
    let setters = settersPhrase(pod: fields.podBadValue != nil, containers: fields.badContainerNames,
                                others: badAnnotations.isEmpty ? [] : [pluralize("annotation", "annotations", badAnnotations.count)])
    return .forbidden(pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", badValues.count),
                      "\(setters) must not set AppArmor profile type to \(joinQuote(badValues))")
}
