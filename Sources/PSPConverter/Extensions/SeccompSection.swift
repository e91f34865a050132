/// seccomp profile annotations of the PSP (psp-conversion.md §7.3), a pspctl extension. Emitted
/// unless `allowedProfileNames` contains `*`: without the annotation PSP admission rejects any profile.
///
/// Judged: the pod profile (the pod annotation, else `securityContext.seccompProfile`, else the PSP's
/// default profile, which admission would fill in) and each container's own `seccompProfile` field
/// (init containers included). Not judged: per-container seccomp *annotations*, whose keys hold the
/// container name, which no Falco 0.31.1 field can join.
enum SeccompSection: PropertySection {
    static let podAnnotation = "seccomp.security.alpha.kubernetes.io/pod"

    static func build(_ context: ConversionContext) -> SectionOutput {
        let profiles = context.policy.seccomp
        let allowed = AllowedProfiles(profiles)
        guard !allowed.allowsEverything else {
            return .none(field: "seccomp", setting: "allowedProfileNames *", reason: "any profile allowed")
        }
        let annotation = PodPointers.value(PodPointers.annotations + [podAnnotation])
        let podField = PodPointers.podSecurityContext + ["seccompProfile"]
        // An empty annotation is filled with the default like an absent one.
        let setAnnotation = allowed.values.isEmpty
            ? "not \(annotation) in (\"<NA>\",\"\")"
            : "not \(annotation) in \(PodPointers.quotedList(["<NA>", ""] + allowed.values))"
        var pod = [setAnnotation]
        let unsetAnnotation = "\(annotation) in (\"<NA>\",\"\")"
        pod.append("\(unsetAnnotation) and \(fieldOutside(podField, allowed))")
        if !allowed.contains(profiles.defaultProfile) {
            pod.append("\(unsetAnnotation) and not \(PodPointers.value(podField + ["type"])) exists")
        }
        let containers = PodPointers.containerSlots.map { fieldOutside($0 + ["securityContext", "seccompProfile"], allowed) }
        let shown = profiles.allowedText ?? "none"
        return .extensionRule(context, property: "seccomp", field: "seccomp", macroSuffix: "seccomp_profile_not_allowed",
            check: PodPointers.anyOf(pod + containers),
            desc: "Detect a psp validation failure for a seccomp profile outside of the allowed set using k8s audit logs",
            output: "seccomp profile outside of allowed set (\(shown))",
            setting: profiles.allowedText.map { "allowedProfileNames \($0)" } ?? "no allowedProfileNames: no profile allowed")
    }

    /// The `seccompProfile` field at `pointer` is set and maps to a profile not allowed
    /// (`Unconfined` → `unconfined`, `RuntimeDefault` → `runtime/default`, `Localhost` → `localhost/<path>`).
    static func fieldOutside(_ pointer: [String], _ allowed: AllowedProfiles) -> String {
        let type = PodPointers.value(pointer + ["type"])
        var accepted: [String] = []
        if allowed.contains("unconfined") { accepted.append("\(type) = Unconfined") }
        if allowed.contains("runtime/default") { accepted.append("\(type) = RuntimeDefault") }
        let localPaths = allowed.values.filter { $0.hasPrefix("localhost/") }.map { String($0.dropFirst("localhost/".count)) }
        if !localPaths.isEmpty {
            accepted.append("(\(type) = Localhost and \(PodPointers.value(pointer + ["localhostProfile"])) in \(PodPointers.quotedList(localPaths)))")
        }
        guard !accepted.isEmpty else { return "\(type) exists" }
        return "\(type) exists and not (\(accepted.joined(separator: " or ")))"
    }
}

/// The profiles a PSP allows: absent annotation → only "no profile"; `*` → all; else the listed names.
struct AllowedProfiles {
    let values: [String]
    let allowsEverything: Bool

    init(_ annotations: ProfileAnnotations) {
        let listed = annotations.allowed ?? []
        allowsEverything = listed.contains("*")
        values = listed.filter { $0 != "*" && !$0.isEmpty }
        allowsEmpty = annotations.allowed == nil || listed.contains("")
    }

    /// Whether an unset (empty) profile passes.
    let allowsEmpty: Bool

    func contains(_ profile: String) -> Bool {
        allowsEverything || (profile.isEmpty ? allowsEmpty : values.contains(profile))
    }
}
