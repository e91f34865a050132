import PodSecurity
import PSPConverter

/// Judges pods as Kubernetes' PodSecurityPolicy admission plugin judged a pod create against one PSP
/// (Kubernetes ≤ 1.24, `pkg/security/podsecuritypolicy`; facts in docs/psp-conversion.md §5 and §7):
///
/// 1. API defaulting that changes a verdict: under `hostNetwork: true` every port's `hostPort` 0 becomes its
///    `containerPort`; a volume without a source is an `emptyDir`.
/// 2. The PSP's **mutations** (admission's mutating phase fills only unset values): `supplementalGroups`,
///    `fsGroup`, `runAsUser` and `runAsGroup` from a MustRunAs strategy's first range's `min`; `runAsNonRoot:
///    true` under MustRunAsNonRoot when neither it nor `runAsUser` is set; the pod's `seLinuxOptions` under
///    seLinux MustRunAs; the seccomp and AppArmor default profiles (annotations); `runtimeClassName` from
///    `runtimeClass.defaultRuntimeClassName`; `defaultAddCapabilities` added (unless the container drops them)
///    and `requiredDropCapabilities` dropped; `readOnlyRootFilesystem: true`; `allowPrivilegeEscalation`
///    from `defaultAllowPrivilegeEscalation`, else `false` when the PSP forbids escalation.
/// 3. **Validation** of the mutated pod, every field (including what falcoctl's rules skip: an empty
///    `volumes` list admits no volume, an empty `hostPorts` list no host port, capabilities beyond the
///    allowed and default ones are refused …), errors in the API server's order and wording.
///
/// A PSP whose strategy rule is absent (the API server would refuse such a PSP) constrains nothing there.
/// Which PSP a user may `use` (RBAC) is not modelled: the pod is judged against this PSP alone.
public struct PSPAdmission: Sendable {
    public let policy: PodSecurityPolicy

    public init(policy: PodSecurityPolicy) { self.policy = policy }

    /// Reads one PodSecurityPolicy (as `pspctl convert` reads it).
    public init(yaml: String) throws(PSPConversionError) {
        self.init(policy: try PodSecurityPolicy(decoding: yaml))
    }

    /// Why PSP admission would reject the pod (empty: admitted, possibly after mutation).
    public func judge(_ pod: PodSpecView) -> [PSPViolation] {
        var validation = Validation(policy: policy, pod: admitted(pod))
        validation.validatePod()
        return validation.violations
    }

    /// The pod admission validates: `pod` after API defaulting and this PSP's mutations.
    public func admitted(_ pod: PodSpecView) -> PodSpecView {
        // The API server's defaulting that changes a verdict (PodSecurity's, shared with `report`'s pss: policies;
        // applying it to an already defaulted object, a `responseObject`, changes nothing).
        var mutation = Mutation(policy: policy, pod: pod.applyingAPIDefaults())
        mutation.mutatePod()
        return mutation.pod
    }
}

/// The validating phase (`simpleProvider.ValidatePod`): pod-level checks, then every container's.
struct Validation {
    let policy: PodSecurityPolicy
    let pod: PodSpecView
    private(set) var violations: [PSPViolation] = []

    init(policy: PodSecurityPolicy, pod: PodSpecView) { self.policy = policy; self.pod = pod }

    mutating func add(_ check: String, _ errors: [FieldError]) {
        violations += errors.map { PSPViolation(check: check, $0) }
    }

    static let podSecurityContextPath = FieldPath("spec.securityContext")

    mutating func validatePod() {
        let scPath = Self.podSecurityContextPath
        let podSC = pod.spec.securityContext
        add("fsGroup", GroupStrategy(policy.fsGroup).validate(scPath.child("fsGroup"), podSC?.fsGroup.map { [$0] }))
        add("supplementalGroups", GroupStrategy(policy.supplementalGroups)
            .validate(scPath.child("supplementalGroups"), podSC?.supplementalGroups))
        add("seccomp", validatePodSeccomp())
        add("seLinux", validateSELinux(scPath.child("seLinuxOptions"), podSC?.shared.seLinuxOptions))
        validateHostNamespaces(scPath)
        validateSysctls()
        validateVolumes()
        add("runtimeClass", validateRuntimeClass())
        for (container, path) in pod.spec.visitedContainers {
            validateContainer(container, path: path)
        }
    }

    /// `simpleProvider.validateContainer`, in its order.
    mutating func validateContainer(_ container: Container, path: FieldPath) {
        let scPath = path.child("securityContext")
        let effective = EffectiveSecurityContext(pod: pod.spec, container: container)
        add("runAsUser", validateRunAsUser(scPath, effective))
        add("runAsGroup", GroupStrategy(policy.runAsGroup).validate(scPath, effective.runAsGroup.map { [$0] }))
        add("seLinux", validateSELinux(scPath.child("seLinuxOptions"), effective.seLinuxOptions))
        add("apparmor", validateAppArmor(container))
        add("seccomp", validateContainerSeccomp(container))
        add("privileged", validatePrivileged(scPath, container))
        add("allowedProcMountTypes", validateProcMount(scPath, container))
        validateCapabilities(scPath.child("capabilities"), container)
        add("hostPorts", validateHostPorts(path, container))
        add("readOnlyRootFilesystem", validateReadOnlyRootFilesystem(scPath, container))
        add("allowPrivilegeEscalation", validateAllowPrivilegeEscalation(scPath, container))
    }
}

/// The mutating phase (`simpleProvider.MutatePod`): only unset values are filled.
struct Mutation {
    let policy: PodSecurityPolicy
    var pod: PodSpecView

    mutating func mutatePod() {
        var podSC = pod.spec.securityContext ?? PodSecurityContext()
        if podSC.supplementalGroups == nil {
            podSC.supplementalGroups = GroupStrategy(policy.supplementalGroups).generate().map { [$0] }
        }
        if podSC.fsGroup == nil {
            podSC.fsGroup = GroupStrategy(policy.fsGroup).generate()
        }
        if podSC.shared.seLinuxOptions == nil {
            podSC.shared.seLinuxOptions = generatedSELinuxOptions
        }
        if podSC != PodSecurityContext() || pod.spec.securityContext != nil {
            pod.spec.securityContext = podSC
        }
        mutateSeccomp()
        mutateRuntimeClass()
        // AppArmor's default profile is an annotation of the pod, one per container.
        mutateAppArmor()
        let spec = pod.spec, unchanged = self
        pod.spec.mutateContainers { container in
            unchanged.mutateContainer(&container, pod: spec)
        }
    }

    /// `simpleProvider.mutateContainer`, in its order.
    func mutateContainer(_ container: inout Container, pod spec: PodSpec) {
        var sc = container.securityContext ?? SecurityContext()
        let podShared = spec.securityContext?.shared
        if (sc.shared.runAsUser ?? podShared?.runAsUser) == nil {
            sc.shared.runAsUser = generatedRunAsUser
        }
        if (sc.shared.runAsGroup ?? podShared?.runAsGroup) == nil {
            sc.shared.runAsGroup = GroupStrategy(policy.runAsGroup).generate()
        }
        if (sc.shared.seLinuxOptions ?? podShared?.seLinuxOptions) == nil {
            sc.shared.seLinuxOptions = generatedSELinuxOptions
        }
        if (sc.shared.runAsNonRoot ?? podShared?.runAsNonRoot) == nil,
           (sc.shared.runAsUser ?? podShared?.runAsUser) == nil, policy.runAsUser?.rule == .mustRunAsNonRoot {
            sc.shared.runAsNonRoot = true
        }
        sc.capabilities = generatedCapabilities(sc.capabilities)
        mutateReadOnlyRootFilesystem(&sc)
        mutateAllowPrivilegeEscalation(&sc)
        if sc != SecurityContext() || container.securityContext != nil {
            container.securityContext = sc
        }
    }
}

/// The security settings a container runs with: its own, else the pod's for `runAsUser`, `runAsGroup`,
/// `runAsNonRoot` and `seLinuxOptions` (the whole struct); the others are the container's only.
struct EffectiveSecurityContext {
    var runAsUser: Int64?
    var runAsGroup: Int64?
    var runAsNonRoot: Bool?
    var seLinuxOptions: PodSecurity.SELinuxOptions?

    init(pod: PodSpec, container: Container) {
        let own = container.securityContext?.shared
        let podShared = pod.securityContext?.shared
        runAsUser = own?.runAsUser ?? podShared?.runAsUser
        runAsGroup = own?.runAsGroup ?? podShared?.runAsGroup
        runAsNonRoot = own?.runAsNonRoot ?? podShared?.runAsNonRoot
        seLinuxOptions = own?.seLinuxOptions ?? podShared?.seLinuxOptions
    }
}

extension PodSpec {
    /// Every container with its field path, in the API server's order: init containers, containers,
    /// ephemeral containers (`pods.VisitContainersWithPath`).
    var visitedContainers: [(Container, FieldPath)] {
        initContainers.enumerated().map { ($1, FieldPath("spec.initContainers").index($0)) }
            + containers.enumerated().map { ($1, FieldPath("spec.containers").index($0)) }
            + ephemeralContainers.enumerated().map { ($1, FieldPath("spec.ephemeralContainers").index($0)) }
    }

    /// Applies `body` to every container, in the same order.
    mutating func mutateContainers(_ body: (inout Container) -> Void) {
        for index in initContainers.indices { body(&initContainers[index]) }
        for index in containers.indices { body(&containers[index]) }
        for index in ephemeralContainers.indices { body(&ephemeralContainers[index]) }
    }
}
