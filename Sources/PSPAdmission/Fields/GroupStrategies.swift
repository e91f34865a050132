import PodSecurity
import PSPConverter

// fsGroup, supplementalGroups and runAsGroup share the group strategies:
// - MustRunAs: an unset value is mutated to the first range's min; then an empty value is rejected and every
//   group must lie in some range;
// - MayRunAs: no default; set groups must lie in some range;
// - RunAsAny (and an absent strategy): nothing.
struct GroupStrategy {
    let strategy: IDStrategy?
    init(_ strategy: IDStrategy?) { self.strategy = strategy }

    /// The MustRunAs default (`GenerateSingle`), nil for the others.
    func generate() -> Int64? {
        guard strategy?.rule == .mustRunAs else { return nil }
        return strategy?.ranges.first?.min
    }

    /// `Validate(fldPath, pod, groups)`: every error carries the whole list as its value.
    func validate(_ path: FieldPath, _ groups: [Int64]?) -> [FieldError] {
        guard let strategy, let rule = strategy.rule, rule == .mustRunAs || rule == .mayRunAs else { return [] }
        let list = groups ?? []
        var errors: [FieldError] = []
        if list.isEmpty {
            if rule == .mustRunAs {
                errors.append(.invalid(path, .int64s(groups), "unable to validate empty groups against required ranges"))
            }
            return errors
        }
        for group in list where !strategy.ranges.contains(where: { $0.contains(group) }) {
            errors.append(.invalid(path, .int64s(groups),
                                   "group \(group) must be in the ranges: \(goRanges(strategy.ranges))"))
        }
        return errors
    }
}
