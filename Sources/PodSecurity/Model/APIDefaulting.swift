/// The API server's defaulting that can change a Pod Security check's verdict or detail, for judging a
/// request object as admission saw it. Pod Security Admission is a validating admission plugin: it sees
/// the object after the API server decoded it with its defaults (and after mutating admission, which an
/// audit log only shows in `responseObject`). An audit event's `requestObject` is the body as sent, before
/// any of that.
///
/// Of Kubernetes' pod defaulting (`SetDefaults_PodSpec`, `SetDefaults_Volume` and the functions they call,
/// applied to pods and to every workload's pod template alike), two rules reach a field some check reads:
/// - **with `hostNetwork: true`, every container and init container port whose `hostPort` is 0 or unset
///   gets `hostPort = containerPort`**, which the baseline `hostPorts` check then sees;
/// - **a volume that sets no source becomes an `emptyDir`**, which restricted's `restrictedVolumes` allows
///   (it would flag the bare volume as an `unknown` type).
/// The other defaults (DNS and restart policy, an empty pod `securityContext`, grace period, scheduler
/// name, probe and volume-source details) set fields no check reads or set them to what an unset field
/// already means to the checks. Not applied: `PrepareForCreate`'s AppArmor annotation/field
/// synchronisation (pods only, v1.30+), which never changes the `appArmorProfile` verdict (the check reads
/// both forms).
extension PodSpecView {
    public func applyingAPIDefaults() -> PodSpecView {
        var defaulted = self
        for index in defaulted.spec.volumes.indices where defaulted.spec.volumes[index].sources.isEmpty {
            defaulted.spec.volumes[index].sources = ["emptyDir"]
        }
        if spec.hostNetwork == true {
            defaulted.spec.containers = spec.containers.map(Self.defaultingHostPorts)
            defaulted.spec.initContainers = spec.initContainers.map(Self.defaultingHostPorts)
        }
        return defaulted
    }

    private static func defaultingHostPorts(_ container: Container) -> Container {
        var defaulted = container
        for index in defaulted.hostPorts.indices where defaulted.hostPorts[index] == 0 && index < container.containerPorts.count {
            defaulted.hostPorts[index] = container.containerPorts[index]
        }
        return defaulted
    }
}
