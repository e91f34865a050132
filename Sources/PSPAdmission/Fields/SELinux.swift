import PodSecurity
import PSPConverter

// seLinux MustRunAs: the pod's unset seLinuxOptions (and a container's unset effective ones) become the PSP's;
// then the pod's and each container's effective options must be set and equal the PSP's: user, role and type
// exactly, the level also when both are `<sensitivity>:<categories>` with the same categories in any order.
// RunAsAny (and an absent strategy): nothing.
extension Mutation {
    var generatedSELinuxOptions: PodSecurity.SELinuxOptions? {
        guard policy.seLinuxRule == "MustRunAs", let required = policy.seLinuxOptions else { return nil }
        return PodSecurity.SELinuxOptions(user: required.user, role: required.role, type: required.type, level: required.level)
    }
}

extension Validation {
    func validateSELinux(_ path: FieldPath, _ options: PodSecurity.SELinuxOptions?) -> [FieldError] {
        guard policy.seLinuxRule == "MustRunAs", let required = policy.seLinuxOptions else { return [] }
        guard let options else { return [.required(path)] }
        var errors: [FieldError] = []
        if !Self.equalLevels(required.level, options.level) {
            errors.append(.invalid(path.child("level"), .string(options.level), "must be \(required.level)"))
        }
        if options.role != required.role {
            errors.append(.invalid(path.child("role"), .string(options.role), "must be \(required.role)"))
        }
        if options.type != required.type {
            errors.append(.invalid(path.child("type"), .string(options.type), "must be \(required.type)"))
        }
        if options.user != required.user {
            errors.append(.invalid(path.child("user"), .string(options.user), "must be \(required.user)"))
        }
        return errors
    }

    /// `s0:c6,c0` equals `s0:c0,c6`; a level without `:` only equals itself.
    static func equalLevels(_ expected: String, _ actual: String) -> Bool {
        if expected == actual { return true }
        let expectedParts = expected.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let actualParts = actual.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard expectedParts.count == 2, actualParts.count == 2, expectedParts[0] == actualParts[0] else { return false }
        func categories(_ text: Substring) -> [Substring] {
            text.split(separator: ",", omittingEmptySubsequences: false).sorted()
        }
        return categories(expectedParts[1]) == categories(actualParts[1])
    }
}
