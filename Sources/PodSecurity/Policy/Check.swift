/// One Pod Security Standards check with its history of version entries (`policy.Check`).
public struct PodSecurityCheck: Sendable {
    /// Unique ID, e.g. `seccompProfile_restricted`.
    public let id: String
    public let level: PolicyLevel
    /// Entries with strictly increasing minimum versions; each is in force until the next one's.
    public let versions: [VersionedCheck]
    /// The Pod Security Standards control this check implements, e.g. `Privileged Containers`.
    public let control: String
    /// One sentence on what the check forbids (for rule descriptions).
    public let summary: String

    init(id: String, level: PolicyLevel, control: String, summary: String, versions: [VersionedCheck]) {
        self.id = id; self.level = level; self.control = control; self.summary = summary; self.versions = versions
    }

    /// The entry in force at `version` (already clamped by the caller), or nil when the check does not
    /// exist yet at that version.
    public func entry(at version: PolicyVersion) -> VersionedCheck? {
        versions.last { !(version < $0.minimumVersion) }
    }
}

/// One version entry of a check (`policy.VersionedCheck`).
public struct VersionedCheck: Sendable {
    public let minimumVersion: PolicyVersion
    /// IDs of baseline checks this restricted entry replaces while it is in force.
    public let overriddenCheckIDs: [String]
    let evaluate: @Sendable (PodMetadata, PodSpec) -> CheckResult

    init(_ minimumVersion: PolicyVersion, overrides: [String] = [],
         _ evaluate: @escaping @Sendable (PodMetadata, PodSpec) -> CheckResult) {
        self.minimumVersion = minimumVersion; self.overriddenCheckIDs = overrides; self.evaluate = evaluate
    }

    public func evaluate(_ pod: PodSpecView) -> CheckResult { evaluate(pod.metadata, pod.spec) }
}
