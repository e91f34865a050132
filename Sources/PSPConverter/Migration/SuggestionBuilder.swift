import PodSecurity

/// Computes a `StandardSuggestion`: every field mapping's witness pods are judged by Pod Security
/// Admission's checks (`CheckRegistry.standard`) at each level, at the evaluated version and at every older
/// one PodSecurity knows.
struct SuggestionBuilder {
    let registry = CheckRegistry.standard

    /// Every PSP field's mapping, in the order of the PSP spec (psp-to-pss-mapping.md §1, §2).
    static let mappings: [FieldMapping] = [
        .privileged, .defaultAddCapabilities, .allowedCapabilities, .requiredDropCapabilities, .volumes,
        .hostNetwork, .hostPorts, .hostPID, .hostIPC, .seLinux, .runAsUser, .runAsGroup, .supplementalGroups,
        .fsGroup, .readOnlyRootFilesystem, .defaultAllowPrivilegeEscalation, .allowPrivilegeEscalation,
        .allowedHostPaths, .allowedFlexVolumes, .allowedCSIDrivers, .allowedUnsafeSysctls, .forbiddenSysctls,
        .allowedProcMountTypes, .runtimeClass, .seccomp, .appArmor, .probeHosts,
    ]

    /// Levels from the strictest.
    static let levels: [PolicyLevel] = [.restricted, .baseline, .privileged]

    /// The strictest level admitting `pod` at `version`.
    func strictestLevel(_ pod: PodSpecView, at version: PolicyVersion) -> PolicyLevel {
        Self.levels.first { registry.evaluate(pod, level: $0, version: version).allowed } ?? .privileged
    }

    /// The checks of `level` at `version` rejecting `pod`, with PSA's reason and detail.
    func rejections(_ pod: PodSpecView, level: PolicyLevel, at version: PolicyVersion) -> [StandardSuggestion.Rejection] {
        registry.evaluate(pod, level: level, version: version).violations.map { violation in
            StandardSuggestion.Rejection(
                check: violation.checkID, checkLevel: registry.check(id: violation.checkID)?.level.rawValue ?? "",
                reason: violation.result.forbiddenReason, detail: violation.result.forbiddenDetail)
        }
    }

    func build(_ psp: PodSecurityPolicy, location: String, target: PolicyVersion, path: String?) -> StandardSuggestion {
        let version = registry.effectiveVersion(target)
        let advice = Self.mappings.map { ($0.field, $0.advise(psp)) }
        let witnesses = advice.flatMap { field, advice in advice.witnesses.map { (field, $0) } }

        func level(at version: PolicyVersion, assuming: Bool) -> PolicyLevel {
            witnesses.filter { !assuming || $0.1.assumption == nil }
                .map { strictestLevel($0.1.pod, at: version) }
                .min { $0.strictness < $1.strictness } ?? .restricted
        }
        let strict = level(at: version, assuming: false)
        let suggested = level(at: version, assuming: true)
        let assumes = suggested == strict ? [] : witnesses.compactMap { _, witness -> String? in
            guard let assumption = witness.assumption, strictestLevel(witness.pod, at: version).strictness < suggested.strictness
            else { return nil }
            return assumption
        }

        // The limits: every allowance a stricter level rejects, strictest-blocking first.
        var limits: [StandardSuggestion.Limit] = []
        for (field, witness) in witnesses {
            let allows = strictestLevel(witness.pod, at: version)
            guard allows != .restricted else { continue }
            let next = Self.levels[Self.levels.firstIndex(of: allows)! - 1]
            limits.append(StandardSuggestion.Limit(
                field: field, allowance: witness.allowance, allows: allows.rawValue,
                assumed: witness.assumption != nil && allows.strictness < suggested.strictness,
                rejectedAt: next.rawValue, rejectedBy: rejections(witness.pod, level: next, at: version)))
        }
        limits.sort { (PolicyLevel(rawValue: $0.allows)?.strictness ?? 0) < (PolicyLevel(rawValue: $1.allows)?.strictness ?? 0) }

        var dependencies: [StandardSuggestion.LostDefault] = []
        var lostDefaults: [StandardSuggestion.LostDefault] = []
        var notCovered: [StandardSuggestion.FieldNote] = []
        var gaps: [StandardSuggestion.Gap] = []
        var notes: [StandardSuggestion.FieldNote] = []
        for (field, advice) in advice {
            for mutatingDefault in advice.defaults {
                let rejected = mutatingDefault.without.map { rejections($0, level: suggested, at: version) } ?? []
                let entry = StandardSuggestion.LostDefault(field: mutatingDefault.field ?? field, text: mutatingDefault.text, rejectedBy: rejected)
                if rejected.isEmpty { lostDefaults.append(entry) } else { dependencies.append(entry) }
            }
            notCovered += advice.notCovered.map { StandardSuggestion.FieldNote(field: field, text: $0) }
            notes += advice.notes.map { StandardSuggestion.FieldNote(field: field, text: $0) }
            // Gaps: the pods the mapping leaves out, and those the suggestion's assumptions leave out.
            for witness in advice.gaps + advice.witnesses.filter({ $0.assumption != nil }) {
                let rejected = rejections(witness.pod, level: suggested, at: version)
                if !rejected.isEmpty { gaps.append(StandardSuggestion.Gap(field: field, pods: witness.allowance, rejectedBy: rejected)) }
            }
        }

        // A stricter level at an older version (restricted checks were added at v1.8, v1.19, v1.22, v1.23).
        var older: StandardSuggestion.LevelAtVersion?
        if !version.isLatest, version.major == 1 {
            search: for stricter in Self.levels where stricter.strictness > suggested.strictness {
                for minor in stride(from: version.minor - 1, through: 0, by: -1) where level(at: .v(1, minor), assuming: true) == stricter {
                    older = StandardSuggestion.LevelAtVersion(level: stricter.rawValue, version: "v1.\(minor)")
                    break search
                }
            }
        }

        return StandardSuggestion(
            name: psp.name, location: location, targetVersion: target.description, evaluatedVersion: version.description,
            suggested: .init(level: suggested.rawValue, version: version.description), assumes: assumes,
            strict: .init(level: strict.rawValue, version: version.description), stricterAtOlderVersion: older,
            limits: limits, mutationDependencies: dependencies, lostDefaults: lostDefaults, notCovered: notCovered,
            gaps: gaps, notes: notes,
            reportCommand: "pspctl report --audit-log LOG --policy psp:\(shellWord(path ?? "FILE")) "
                + "--policy pss:\(suggested.rawValue):\(version)")
    }
}

/// `word` as one shell word: as it is when it holds only safe characters, else single-quoted.
func shellWord(_ word: String) -> String {
    let safe = word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:=@+,".contains($0)) }
    return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
