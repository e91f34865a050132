import PodSecurity
import PSPConverter

// runAsUser:
// - MustRunAs: a container whose effective runAsUser is unset gets the first range's min; then the effective
//   runAsUser must be set and in some range;
// - MustRunAsNonRoot: a container with neither runAsNonRoot nor runAsUser (effective) gets `runAsNonRoot: true`
//   (the kubelet checks the image's user later); then runAsNonRoot false, or runAsUser 0, is rejected;
// - RunAsAny (and an absent strategy): nothing.
extension Mutation {
    var generatedRunAsUser: Int64? {
        guard policy.runAsUser?.rule == .mustRunAs else { return nil }
        return policy.runAsUser?.ranges.first?.min
    }
}

extension Validation {
    func validateRunAsUser(_ scPath: FieldPath, _ effective: EffectiveSecurityContext) -> [FieldError] {
        guard let strategy = policy.runAsUser else { return [] }
        switch strategy.rule {
        case .mustRunAs?:
            guard let uid = effective.runAsUser else { return [.required(scPath.child("runAsUser"))] }
            guard strategy.ranges.contains(where: { $0.contains(uid) }) else {
                return [.invalid(scPath.child("runAsUser"), .int(uid),
                                 "must be in the ranges: \(goRanges(strategy.ranges))")]
            }
            return []
        case .mustRunAsNonRoot?:
            if effective.runAsNonRoot == nil && effective.runAsUser == nil {
                return [.required(scPath.child("runAsNonRoot"), "must be true")]
            }
            if effective.runAsNonRoot == false {
                return [.invalid(scPath.child("runAsNonRoot"), .bool(false), "must be true")]
            }
            if effective.runAsUser == 0 {
                return [.invalid(scPath.child("runAsUser"), .int(0), "running with the root UID is forbidden")]
            }
            return []
        default:
            return []
        }
    }
}
