import PodSecurity

/// A pod a PodSecurityPolicy admits (after its mutation), built to exercise one of its allowances. Judging
/// it with Pod Security Admission's own checks (`CheckRegistry`) tells which levels, at which versions,
/// admit what the allowance lets through: no list of capabilities, volume types or sysctls is kept here.
struct Witness {
    /// What the PSP lets pods do, e.g. `hostPort 8080 (hostPorts range 8000-9000)`.
    var allowance: String
    var pod: PodSpecView
    /// Set when the suggested level leaves this allowance out (psp-to-pss-mapping.md §7): the condition
    /// the suggestion then assumes of the pods.
    var assumption: String?

    init(_ allowance: String, assumption: String? = nil, pod: PodSpecView) {
        self.allowance = allowance; self.pod = pod; self.assumption = assumption
    }
}

/// A value PSP admission fills into pods, which Pod Security Admission never does.
struct MutatingDefault {
    /// What the PSP sets, e.g. `adds ALL to every container's securityContext.capabilities.drop`.
    var text: String
    /// The pod as submitted without it, when a check may read the value (nil: no check does).
    var without: PodSpecView?
    /// The PSP field that sets it, when not the mapping's own (an annotation's `defaultProfileName`).
    var field: String?

    init(text: String, without: PodSpecView?, field: String? = nil) {
        self.text = text; self.without = without; self.field = field
    }
}

/// What one PSP field contributes to the advice (psp-to-pss-mapping.md §6).
struct FieldAdvice {
    /// Pods admitted through the field's allowance: they decide the level (§6.2).
    var witnesses: [Witness] = []
    /// Pods the PSP admits that the mapping does not count against the level, reported when the suggested
    /// level rejects them (§6.6: G1, G3, G4).
    var gaps: [Witness] = []
    /// Values the PSP fills in (§6.4).
    var defaults: [MutatingDefault] = []
    /// Restrictions the Pod Security Standards cannot express (§6.5).
    var notCovered: [String] = []
    var notes: [String] = []
}

/// The mapping of one PodSecurityPolicy field (one file each, in Fields/).
struct FieldMapping: Sendable {
    /// The field as written in the PSP (`allowedCapabilities`, `seccomp allowedProfileNames annotation`).
    let field: String
    let advise: @Sendable (PodSecurityPolicy) -> FieldAdvice
}

/// The pods witnesses are built from.
enum WitnessPod {
    static let containerName = "app"

    /// A pod every level admits at every version: one container that runs as non-root, drops ALL
    /// capabilities, disallows privilege escalation, with the runtime's default seccomp profile.
    static var base: PodSpecView {
        let container = Container(name: containerName, securityContext: SecurityContext(
            shared: SharedSecuritySettings(runAsNonRoot: true), allowPrivilegeEscalation: false,
            capabilities: Capabilities(drop: ["ALL"])))
        return PodSpecView(spec: PodSpec(
            securityContext: PodSecurityContext(shared: SharedSecuritySettings(seccompProfileType: "RuntimeDefault")),
            containers: [container]))
    }

    /// The base pod changed by `change`.
    static func pod(_ change: (inout PodSpecView) -> Void) -> PodSpecView {
        var pod = base
        change(&pod)
        return pod
    }

    /// The base pod with its container's security context changed by `change`.
    static func container(_ change: (inout SecurityContext) -> Void) -> PodSpecView {
        pod { pod in
            var context = pod.spec.containers[0].securityContext ?? SecurityContext()
            change(&context)
            pod.spec.containers[0].securityContext = context
        }
    }
}

/// `a, b and c`.
func listPhrase(_ items: [String]) -> String {
    guard items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " and " + items.last!
}

/// `1-65535`, `0`: an id or port range as a person writes it.
func rangeText(_ ranges: [IDRange]) -> String {
    ranges.map { $0.min == $0.max ? "\($0.min)" : "\($0.min)-\($0.max)" }.joined(separator: ", ")
}
