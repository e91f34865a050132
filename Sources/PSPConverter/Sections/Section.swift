/// What every property section sees.
struct ConversionContext {
    let policy: PodSecurityPolicy
    let names: RuleNames
}

/// The result of one property section: its text (nil when the PSP setting produces no rule), the rule
/// names it defines, and summary lines saying which field became which rule (or why none).
struct SectionOutput {
    var text: String?
    var ruleNames: [String] = []
    var summary: [String] = []

    /// A section with rules: the banner, then `body`.
    static func rules(title: String, body: String, rules: [RuleBlock], field: String, setting: String) -> SectionOutput {
        let names = rules.map(\.name)
        return SectionOutput(text: Banner.text(title) + body, ruleNames: names,
                             summary: ["\(field) (\(setting)) -> " + names.joined(separator: ", ")])
    }

    /// No rule: `field (setting) -> no rule: reason`.
    static func none(field: String, setting: String, reason: String) -> SectionOutput {
        SectionOutput(text: nil, summary: ["\(field) (\(setting)) -> no rule: \(reason)"])
    }

    /// Nothing to say (the section does not apply at all).
    static let silent = SectionOutput(text: nil)
}

/// One property of a PodSecurityPolicy turned into rules. Implementations are small and independent;
/// `RulesFileBuilder` runs them in falcoctl's fixed order, then pspctl's extensions.
protocol PropertySection {
    static func build(_ context: ConversionContext) -> SectionOutput
}

/// The sections, in file order.
enum SectionRegistry {
    /// falcoctl v0.0.4's sections, in its template's order (psp-conversion.md §2.1).
    static var falcoctl: [any PropertySection.Type] { [
        PrivilegedSection.self,
        HostPIDSection.self, HostIPCSection.self, HostNetworkSection.self,
        HostPortsSection.self,
        VolumesSection.self,
        AllowedHostPathsSection.self,
        AllowedFlexVolumesSection.self,
        FSGroupSection.self,
        ReadOnlyRootFilesystemSection.self,
        RunAsUserMustRunAsSection.self, RunAsUserMustRunAsNonRootSection.self,
        RunAsGroupMustRunAsSection.self, RunAsGroupMayRunAsSection.self,
        SupplementalGroupsMustRunAsSection.self, SupplementalGroupsMayRunAsSection.self,
        AllowPrivilegeEscalationSection.self,
        AllowedCapabilitiesSection.self,
        AllowedProcMountTypesSection.self,
    ] }

    /// pspctl's rules for the fields falcoctl ignored (psp-conversion.md §7), after falcoctl's.
    static var extensions: [any PropertySection.Type] { [
        SELinuxSection.self,
        ForbiddenSysctlsSection.self,
        AllowedUnsafeSysctlsSection.self,
        SeccompSection.self,
        AppArmorSection.self,
        RuntimeClassSection.self,
        RequiredDropCapabilitiesSection.self,
        AllowedCSIDriversSection.self,
    ] }
}

/// Assembles the rules file: header, falcoctl's sections, the extension sections, a final newline.
struct RulesFileBuilder {
    let policy: PodSecurityPolicy

    func build() -> PSPConversion {
        let names = RuleNames(policyName: policy.name)
        let context = ConversionContext(policy: policy, names: names)
        var text = Header.text(names, images: policy.images)
        var ruleNames: [String] = []
        var summary = ImagesSummary.lines(policy: policy, names: names)
        for section in SectionRegistry.falcoctl + SectionRegistry.extensions {
            let output = section.build(context)
            if let sectionText = output.text { text += sectionText }
            ruleNames += output.ruleNames
            summary += output.summary
        }
        text += "\n"
        summary.append("\(ruleNames.count) rules for PodSecurityPolicy \"\(policy.name)\" (name prefix \(names.prefix))")
        return PSPConversion(rulesYAML: text, summary: summary, ruleNames: ruleNames)
    }
}

/// Summary lines about the images annotation.
enum ImagesSummary {
    static func lines(policy: PodSecurityPolicy, names: RuleNames) -> [String] {
        guard let images = policy.images else {
            return ["\(PodSecurityPolicy.imagesAnnotation): absent -> the rules check pods of every image (System Activity rules: every container)"]
        }
        var lines = ["\(PodSecurityPolicy.imagesAnnotation): [\(images.joined(separator: ", "))] -> list \(names.macro("images")); K8s Audit rules check pods whose every container image is listed, System Activity rules containers of a listed image"]
        for image in images where ImageList.repository(of: image) != image {
            lines.append("warning: image \"\(image)\" has a tag or digest; rules compare repositories (\"\(ImageList.repository(of: image))\"), so it never matches")
        }
        return lines
    }
}
