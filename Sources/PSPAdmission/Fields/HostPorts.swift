import PodSecurity
import PSPConverter

// hostPorts: every port with `hostPort > 0` must lie in one of the PSP's ranges; an empty list admits none.
// (Under hostNetwork the API server has already set hostPort = containerPort: PodSpecView.applyingAPIDefaults.)
extension Validation {
    func validateHostPorts(_ containerPath: FieldPath, _ container: Container) -> [FieldError] {
        container.hostPorts.filter { port in port > 0 && !policy.hostPorts.contains { $0.contains(port) } }.map { port in
            .invalid(containerPath.child("hostPort"), .int(port),
                     "Host port \(port) is not allowed to be used. Allowed ports: [\(allowedPortsText)]")
        }
    }

    /// `1000-2000,8080`: a range as `min-max`, or `n` when min = max.
    private var allowedPortsText: String {
        policy.hostPorts.map { $0.min == $0.max ? "\($0.min)" : "\($0.min)-\($0.max)" }.joined(separator: ",")
    }
}
