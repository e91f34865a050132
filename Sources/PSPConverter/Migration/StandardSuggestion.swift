/// The migration advice for one PodSecurityPolicy (`pspctl convert --psp-path X --suggest-standard`):
/// the most restrictive Pod Security Standards level that admits every pod the PSP admits, field by field
/// why not a stricter one, and what the PSP does that the standards cannot (psp-to-pss-mapping.md §6).
/// Encoded as JSON with these keys (stable; documented in the README, `pspctl convert`).
public struct StandardSuggestion: Sendable, Equatable, Codable {
    /// A level at a policy version, e.g. `restricted` at `v1.37`.
    public struct LevelAtVersion: Sendable, Equatable, Codable {
        public var level: String
        public var version: String
    }

    /// A Pod Security Standards check rejecting a pod the PSP admits, with Pod Security Admission's own
    /// forbidden reason and detail for the pod pspctl built from the allowance.
    public struct Rejection: Sendable, Equatable, Codable {
        /// The check id (`capabilities_restricted`) and the level it belongs to.
        public var check: String
        public var checkLevel: String
        public var reason: String
        public var detail: String
    }

    /// A PSP allowance stricter levels reject (§6.2): the level it allows, and the checks of the next
    /// stricter level that reject it.
    public struct Limit: Sendable, Equatable, Codable {
        public var field: String
        /// What the PSP lets pods do.
        public var allowance: String
        /// The strictest level admitting those pods at the evaluated version.
        public var allows: String
        /// True when the suggested level assumes pods do not use this allowance (see `assumes`): it allows
        /// a laxer level than the suggested one.
        public var assumed: Bool
        /// The level just above `allows` and its checks that reject the pods.
        public var rejectedAt: String
        public var rejectedBy: [Rejection]
    }

    /// A value PSP admission fills in and Pod Security Admission never does (§6.4). `rejectedBy` is what
    /// the suggested level says of a pod that relied on it, once the PSP is gone (empty: no check reads it).
    public struct LostDefault: Sendable, Equatable, Codable {
        public var field: String
        public var text: String
        public var rejectedBy: [Rejection]
    }

    /// A restriction of the PSP that no level expresses (§6.5), or a remark on a field.
    public struct FieldNote: Sendable, Equatable, Codable {
        public var field: String
        public var text: String
    }

    /// Pods the PSP admits that the suggested level rejects (§6.6).
    public struct Gap: Sendable, Equatable, Codable {
        public var field: String
        public var pods: String
        public var rejectedBy: [Rejection]
    }

    /// `metadata.name` of the PSP.
    public var name: String
    /// Where it is in the input: `document 2`, `items[0]`, or "" for a single policy.
    public var location: String
    /// The version asked for (`latest`, `v1.30`) and the version Pod Security Admission evaluates it as.
    public var targetVersion: String
    public var evaluatedVersion: String
    /// The suggestion: the strictest level admitting every pod the PSP admits, at `evaluatedVersion`, given
    /// `assumes` (§7: seLinux RunAsAny, no AppArmor allow-list).
    public var suggested: LevelAtVersion
    public var assumes: [String]
    /// The same without assumptions: every pod the PSP admits passes it.
    public var strict: LevelAtVersion
    /// A stricter level that admits every pod (given `assumes`) at an older policy version, the newest such
    /// version; nil when there is none.
    public var stricterAtOlderVersion: LevelAtVersion?
    public var limits: [Limit]
    /// Defaults the suggested level's checks need: set them in the pod specs before removing the PSP.
    public var mutationDependencies: [LostDefault]
    /// Defaults no check of the suggested level needs; workloads still lose them.
    public var lostDefaults: [LostDefault]
    public var notCovered: [FieldNote]
    public var gaps: [Gap]
    public var notes: [FieldNote]
    /// The `pspctl report` command line that shows, from an audit log, which workloads this PSP and the
    /// suggested level would each reject (`LOG` to be filled in).
    public var reportCommand: String

    /// As synthesized, except that no older stricter level is an explicit `null`, as in `pspctl report`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(location, forKey: .location)
        try container.encode(targetVersion, forKey: .targetVersion)
        try container.encode(evaluatedVersion, forKey: .evaluatedVersion)
        try container.encode(suggested, forKey: .suggested)
        try container.encode(assumes, forKey: .assumes)
        try container.encode(strict, forKey: .strict)
        try container.encode(stricterAtOlderVersion, forKey: .stricterAtOlderVersion)
        try container.encode(limits, forKey: .limits)
        try container.encode(mutationDependencies, forKey: .mutationDependencies)
        try container.encode(lostDefaults, forKey: .lostDefaults)
        try container.encode(notCovered, forKey: .notCovered)
        try container.encode(gaps, forKey: .gaps)
        try container.encode(notes, forKey: .notes)
        try container.encode(reportCommand, forKey: .reportCommand)
    }
}

/// The advice for every PodSecurityPolicy of one input.
public struct StandardSuggestions: Sendable, Equatable, Codable {
    public var policies: [StandardSuggestion]
    /// Said on stderr by `pspctl convert` (a version newer than PodSecurity knows).
    public var warnings: [String]
    /// Facts of the migration true for every PSP (psp-to-pss-mapping.md §3).
    public var notes: [String]
}
