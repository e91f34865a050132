/// The checks of the Pod Security Standards and which of them run for a level and version
/// (pod-security-admission `policy/registry.go`).
public struct CheckRegistry: Sendable {
    /// Every check of Pod Security Admission (newest policy version v1.37).
    public static let standard = CheckRegistry(checks: [
        appArmorProfileCheck, capabilitiesBaselineCheck, hostNamespacesCheck, hostPathVolumesCheck,
        hostPortsCheck, hostProbesAndHostLifecycleCheck, privilegedCheck, procMountCheck, seLinuxOptionsCheck,
        seccompProfileBaselineCheck, sysctlsCheck, windowsHostProcessCheck,
        allowPrivilegeEscalationCheck, capabilitiesRestrictedCheck, procMountRestrictedCheck,
        restrictedVolumesCheck, runAsNonRootCheck, runAsUserCheck, seccompProfileRestrictedCheck,
    ])

    /// Checks in evaluation order: baseline IDs sorted ordinally, then restricted IDs sorted ordinally.
    public let checks: [PodSecurityCheck]
    /// Versions newer than this (and `latest`) evaluate as this version.
    public let maxVersion: PolicyVersion

    /// - Parameter emulationVersion: caps `maxVersion`, as the API server does when it emulates an older
    ///   Kubernetes minor version.
    public init(checks: [PodSecurityCheck], emulationVersion: PolicyVersion? = nil) {
        self.checks = checks.sorted { a, b in
            a.level.strictness != b.level.strictness ? a.level.strictness < b.level.strictness
                : a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
        }
        var newest = checks.flatMap { $0.versions.map(\.minimumVersion) }.max() ?? .v(1, 0)
        if let emulationVersion, emulationVersion < newest { newest = emulationVersion }
        maxVersion = newest
    }

    public func check(id: String) -> PodSecurityCheck? { checks.first { $0.id == id } }

    /// The version a request for `version` evaluates as (`latest` and newer versions are clamped).
    public func effectiveVersion(_ version: PolicyVersion) -> PolicyVersion {
        maxVersion < version ? maxVersion : version
    }

    /// The checks that run for `level` at `version`, in evaluation order, each with its entry in force.
    public func activeChecks(level: PolicyLevel, version: PolicyVersion) -> [ActiveCheck] {
        guard level != .privileged else { return [] }
        let version = effectiveVersion(version)
        let inForce = checks.compactMap { check in check.entry(at: version).map { ActiveCheck(check: check, entry: $0) } }
        switch level {
        case .privileged: return []
        case .baseline: return inForce.filter { $0.check.level == .baseline }
        case .restricted:
            let overridden = Set(inForce.filter { $0.check.level == .restricted }.flatMap(\.entry.overriddenCheckIDs))
            return inForce.filter { $0.check.level == .restricted || !overridden.contains($0.check.id) }
        }
    }

    /// Evaluates every active check on `pod` (PSA's `EvaluatePod` followed by aggregation).
    public func evaluate(_ pod: PodSpecView, level: PolicyLevel, version: PolicyVersion) -> AggregateCheckResult {
        AggregateCheckResult(activeChecks(level: level, version: version).map { ($0.check.id, $0.entry.evaluate(pod)) })
    }
}

/// A check together with the version entry in force for the requested version.
public struct ActiveCheck: Sendable {
    public let check: PodSecurityCheck
    public let entry: VersionedCheck
}
