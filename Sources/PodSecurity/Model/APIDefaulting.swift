/// The API server's defaulting that can change a Pod Security check's verdict or detail, for judging a
/// request object as admission saw it. Pod Security Admission is a validating admission plugin: it sees
/// the object after the API server decoded it with its defaults (and after mutating admission, which an
/// audit log only shows in `responseObject`). An audit event's `requestObject` is the body as sent, before
/// any of that.
///
/// Of Kubernetes' pod defaulting (`SetDefaults_PodSpec` and the functions it calls, applied to pods and to
/// every workload's pod template alike), one rule reaches a field some check reads: **with
/// `hostNetwork: true`, every container and init container port whose `hostPort` is 0 or unset gets
/// `hostPort = containerPort`**, which the baseline `hostPorts` check then sees. The other defaults (DNS
/// and restart policy, an empty pod `securityContext`, grace period, scheduler name, probe and volume
/// defaults) set fields no check reads or set them to what an unset field already means to the checks.
/// Not applied: `PrepareForCreate`'s AppArmor annotation/field synchronisation (pods only, v1.30+), which
/// never changes the `appArmorProfile` verdict (the check reads both forms).
extension PodSpecView {
    public func applyingAPIDefaults() -> PodSpecView {
        guard spec.hostNetwork == true else { return self }
        var defaulted = self
        defaulted.spec.containers = spec.containers.map(Self.defaultingHostPorts)
        defaulted.spec.initContainers = spec.initContainers.map(Self.defaultingHostPorts)
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
