import PodSecurity
import PSPConverter

// hostNetwork, hostPID, hostIPC: a pod may use a host namespace only when the PSP allows it (unset = false).
// The API server reports them under `spec.securityContext` (its internal type keeps them there).
extension Validation {
    mutating func validateHostNamespaces(_ scPath: FieldPath) {
        if policy.hostNetwork != true, pod.spec.hostNetwork == true {
            add("hostNetwork", [.invalid(scPath.child("hostNetwork"), .bool(true), "Host network is not allowed to be used")])
        }
        if policy.hostPID != true, pod.spec.hostPID == true {
            add("hostPID", [.invalid(scPath.child("hostPID"), .bool(true), "Host PID is not allowed to be used")])
        }
        if policy.hostIPC != true, pod.spec.hostIPC == true {
            add("hostIPC", [.invalid(scPath.child("hostIPC"), .bool(true), "Host IPC is not allowed to be used")])
        }
    }
}
