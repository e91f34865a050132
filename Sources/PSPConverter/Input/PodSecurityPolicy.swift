import FalcoRulesText
import YAMLKit

/// An inclusive id or port range of a PSP strategy.
public struct IDRange: Sendable, Equatable {
    public let min: Int64
    public let max: Int64
    public func contains(_ value: Int64) -> Bool { min <= value && value <= max }
}

/// `runAsUser`, `runAsGroup`, `supplementalGroups`, `fsGroup`: a rule and its ranges.
public struct IDStrategy: Sendable, Equatable {
    public enum Rule: String, Sendable { case mustRunAs = "MustRunAs", mayRunAs = "MayRunAs", runAsAny = "RunAsAny",
                                             mustRunAsNonRoot = "MustRunAsNonRoot" }
    /// nil when `rule` is absent or empty (falcoctl treats that as "no constraint", except for fsGroup).
    public let rule: Rule?
    public let ranges: [IDRange]
}

public struct SELinuxOptions: Sendable, Equatable {
    public internal(set) var user = "", role = "", type = "", level = ""
}

public struct AllowedHostPath: Sendable, Equatable {
    public let pathPrefix: String
    public let readOnly: Bool
}

/// The PSP annotations that restrict seccomp or AppArmor profiles (§7.3, §7.4 of psp-conversion.md).
public struct ProfileAnnotations: Sendable, Equatable {
    /// The comma-separated allowed profile names, split without trimming; nil when the annotation is absent.
    public let allowed: [String]?
    /// The raw `allowedProfileNames` text, for outputs.
    public let allowedText: String?
    /// The default profile ("" when absent).
    public let defaultProfile: String
}

/// A PodSecurityPolicy as falcoctl and Kubernetes read it (policy/v1beta1 or extensions/v1beta1). Public, read
/// only, for PSPAdmission, which judges pods as Kubernetes' PSP admission would from this same reading.
public struct PodSecurityPolicy: Sendable {
    /// `metadata.name` as written ("" when absent).
    public internal(set) var name = ""
    /// The repositories of the `falco-rules-psp-images` annotation; nil when absent or empty.
    public internal(set) var images: [String]?
    public internal(set) var seccomp = ProfileAnnotations(allowed: nil, allowedText: nil, defaultProfile: "")
    public internal(set) var appArmor = ProfileAnnotations(allowed: nil, allowedText: nil, defaultProfile: "")

    public internal(set) var privileged: Bool?
    public internal(set) var hostPID: Bool?
    public internal(set) var hostIPC: Bool?
    public internal(set) var hostNetwork: Bool?
    public internal(set) var hostPorts: [IDRange] = []
    public internal(set) var volumes: [String] = []
    public internal(set) var allowedHostPaths: [AllowedHostPath] = []
    public internal(set) var allowedFlexVolumes: [String] = []
    public internal(set) var allowedCSIDrivers: [String] = []
    public internal(set) var fsGroup: IDStrategy?
    public internal(set) var runAsUser: IDStrategy?
    public internal(set) var runAsGroup: IDStrategy?
    public internal(set) var supplementalGroups: IDStrategy?
    public internal(set) var readOnlyRootFilesystem: Bool?
    public internal(set) var allowPrivilegeEscalation: Bool?
    public internal(set) var defaultAllowPrivilegeEscalation: Bool?
    public internal(set) var allowedCapabilities: [String] = []
    public internal(set) var requiredDropCapabilities: [String] = []
    public internal(set) var defaultAddCapabilities: [String] = []
    public internal(set) var allowedProcMountTypes: [String] = []
    /// `seLinux.rule` (nil when absent) and its options.
    public internal(set) var seLinuxRule: String?
    public internal(set) var seLinuxOptions: SELinuxOptions?
    public internal(set) var allowedUnsafeSysctls: [String] = []
    public internal(set) var forbiddenSysctls: [String] = []
    /// `runtimeClass.allowedRuntimeClassNames`; nil when `runtimeClass` is absent.
    public internal(set) var allowedRuntimeClassNames: [String]?
    public internal(set) var defaultRuntimeClassName: String?
}

// MARK: - Decoding

extension PodSecurityPolicy {
    static let imagesAnnotation = "falco-rules-psp-images"
    static let seccompAllowedAnnotation = "seccomp.security.alpha.kubernetes.io/allowedProfileNames"
    static let seccompDefaultAnnotation = "seccomp.security.alpha.kubernetes.io/defaultProfileName"
    static let appArmorAllowedAnnotation = "apparmor.security.beta.kubernetes.io/allowedProfileNames"
    static let appArmorDefaultAnnotation = "apparmor.security.beta.kubernetes.io/defaultProfileName"

    static let apiVersions: Set<String> = ["policy/v1beta1", "extensions/v1beta1"]
    static let specFields: Set<String> = [
        "privileged", "defaultAddCapabilities", "requiredDropCapabilities", "allowedCapabilities", "volumes",
        "hostNetwork", "hostPorts", "hostPID", "hostIPC", "seLinux", "runAsUser", "runAsGroup",
        "supplementalGroups", "fsGroup", "readOnlyRootFilesystem", "defaultAllowPrivilegeEscalation",
        "allowPrivilegeEscalation", "allowedHostPaths", "allowedFlexVolumes", "allowedCSIDrivers",
        "allowedUnsafeSysctls", "forbiddenSysctls", "allowedProcMountTypes", "runtimeClass",
    ]
    /// policy/v1beta1 FSType values (`*` = all).
    static let volumeTypes: Set<String> = [
        "azureFile", "flocker", "flexVolume", "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore",
        "gitRepo", "secret", "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "cinder", "cephFS",
        "downwardAPI", "fc", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk",
        "storageos", "projected", "portworxVolume", "scaleIO", "csi", "ephemeral", "*",
    ]
    static let procMountTypes: Set<String> = ["Default", "Unmasked"]

    /// Reads exactly one PodSecurityPolicy document.
    public init(decoding text: String) throws(PSPConversionError) {
        let documents: [YAMLNode]
        do {
            documents = try YAML.parseDocuments(text)
        } catch {
            throw PSPConversionError(field: nil, message: "not valid YAML: \(error)")
        }
        guard documents.count == 1 else {
            throw PSPConversionError(field: nil, message: documents.isEmpty
                ? "the input is empty: expected one PodSecurityPolicy"
                : "the input holds \(documents.count) YAML documents: expected exactly one PodSecurityPolicy")
        }
        try self.init(node: documents[0], path: .root)
    }

    /// Reads one PodSecurityPolicy object already parsed (a document of a stream, an item of a `List`);
    /// error paths start at `path`.
    init(node: YAMLNode, path: FieldPath) throws(PSPConversionError) {
        let top = ManifestValue(node: node, path: path)
        guard case .mapping = top.node else {
            throw PSPConversionError(field: nil, message: "expected a PodSecurityPolicy object, found \(top.node.sequenceItems != nil ? "a list" : "a scalar")")
        }
        // The kind is checked first, so another object (a Pod, a List) is named as such.
        try Self.checkType(top.object())
        let object = try top.object(knownKeys: ["apiVersion", "kind", "metadata", "spec"])
        try readMetadata(object.object("metadata"))
        try readSpec(object.object("spec", knownKeys: Self.specFields))
    }

    private static func checkType(_ object: ManifestObject) throws(PSPConversionError) {
        let kind = try object.string("kind")
        guard kind == "PodSecurityPolicy" else {
            throw object.path.appending("kind").error(kind.map { "\"\($0)\" is not PodSecurityPolicy" }
                ?? "missing: expected PodSecurityPolicy")
        }
        let apiVersion = try object.string("apiVersion")
        guard let apiVersion, Self.apiVersions.contains(apiVersion) else {
            throw object.path.appending("apiVersion").error(apiVersion.map {
                "\"\($0)\" does not serve PodSecurityPolicy: expected policy/v1beta1 or extensions/v1beta1"
            } ?? "missing: expected policy/v1beta1")
        }
    }

    private mutating func readMetadata(_ metadata: ManifestObject?) throws(PSPConversionError) {
        guard let metadata else { return }
        name = try metadata.string("name") ?? ""
        try RuleNames.validate(policyName: name, path: metadata.path.appending("name"))
        guard let annotations = try metadata.object("annotations") else { return }
        for key in annotations.keys {
            guard let value = annotations[key] else { continue }
            guard case .scalar = value.node else {
                let example = key == Self.imagesAnnotation ? ", e.g. \"[nginx, docker.io/library/redis]\"" : ""
                throw value.path.error("annotation values must be strings: quote the value\(example)")
            }
        }
        if let images = try annotations.string(Self.imagesAnnotation) {
            self.images = try ImageList.parse(images, path: annotations.path.appending(Self.imagesAnnotation))
        }
        seccomp = try Self.profileAnnotations(annotations, allowed: Self.seccompAllowedAnnotation,
                                              default: Self.seccompDefaultAnnotation)
        appArmor = try Self.profileAnnotations(annotations, allowed: Self.appArmorAllowedAnnotation,
                                               default: Self.appArmorDefaultAnnotation)
    }

    private static func profileAnnotations(_ annotations: ManifestObject, allowed: String,
                                           default defaultKey: String) throws(PSPConversionError) -> ProfileAnnotations {
        // Present-but-empty allowedProfileNames is meaningful ({""}), so read the member even when "".
        var allowedText: String?
        if let member = annotations.members[allowed] {
            allowedText = member.isNull ? "" : try member.string()
            try checkWritable(allowedText!, path: member.path)
        }
        let defaultProfile = try annotations.string(defaultKey) ?? ""
        try checkWritable(defaultProfile, path: annotations.path.appending(defaultKey))
        return ProfileAnnotations(
            allowed: allowedText.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) },
            allowedText: allowedText, defaultProfile: defaultProfile)
    }

    private mutating func readSpec(_ spec: ManifestObject?) throws(PSPConversionError) {
        guard let spec else { return }
        privileged = try spec.bool("privileged")
        hostPID = try spec.bool("hostPID")
        hostIPC = try spec.bool("hostIPC")
        hostNetwork = try spec.bool("hostNetwork")
        readOnlyRootFilesystem = try spec.bool("readOnlyRootFilesystem")
        allowPrivilegeEscalation = try spec.bool("allowPrivilegeEscalation")
        defaultAllowPrivilegeEscalation = try spec.bool("defaultAllowPrivilegeEscalation")

        hostPorts = try Self.ranges(spec.list("hostPorts"), bounds: 0...65535)
        volumes = try Self.names(spec.list("volumes"), allowed: Self.volumeTypes, what: "a volume type")
        allowedProcMountTypes = try Self.names(spec.list("allowedProcMountTypes"), allowed: Self.procMountTypes,
                                               what: "a proc mount type")
        allowedCapabilities = try Self.capabilities(spec.list("allowedCapabilities"), wildcard: true)
        requiredDropCapabilities = try Self.capabilities(spec.list("requiredDropCapabilities"), wildcard: false)
        defaultAddCapabilities = try Self.capabilities(spec.list("defaultAddCapabilities"), wildcard: false)
        allowedUnsafeSysctls = try Self.sysctlPatterns(spec.list("allowedUnsafeSysctls"))
        forbiddenSysctls = try Self.sysctlPatterns(spec.list("forbiddenSysctls"))

        for item in try spec.list("allowedHostPaths") {
            let entry = try item.object(knownKeys: ["pathPrefix", "readOnly"])
            let prefix = try entry.string("pathPrefix") ?? ""
            guard !prefix.isEmpty else { throw entry.path.appending("pathPrefix").error("required") }
            try Self.checkWritable(prefix, path: entry.path.appending("pathPrefix"))
            guard !prefix.split(separator: "/").contains("..") else {
                throw entry.path.appending("pathPrefix").error("must not contain '..'")
            }
            allowedHostPaths.append(AllowedHostPath(pathPrefix: prefix, readOnly: try entry.bool("readOnly") ?? false))
        }
        allowedFlexVolumes = try Self.requiredStrings(spec.list("allowedFlexVolumes"), key: "driver")
        allowedCSIDrivers = try Self.requiredStrings(spec.list("allowedCSIDrivers"), key: "name")

        let rangesOnly: Set<IDStrategy.Rule> = [.mustRunAs, .mayRunAs, .runAsAny]
        runAsUser = try Self.strategy(spec.object("runAsUser", knownKeys: ["rule", "ranges"]),
                                      rules: [.mustRunAs, .mustRunAsNonRoot, .runAsAny])
        runAsGroup = try Self.strategy(spec.object("runAsGroup", knownKeys: ["rule", "ranges"]), rules: rangesOnly)
        supplementalGroups = try Self.strategy(spec.object("supplementalGroups", knownKeys: ["rule", "ranges"]),
                                               rules: rangesOnly)
        fsGroup = try Self.strategy(spec.object("fsGroup", knownKeys: ["rule", "ranges"]), rules: rangesOnly)

        if let seLinux = try spec.object("seLinux", knownKeys: ["rule", "seLinuxOptions"]) {
            let rule = try seLinux.string("rule") ?? ""
            guard ["", "MustRunAs", "RunAsAny"].contains(rule) else {
                throw seLinux.path.appending("rule").error("unknown strategy \"\(rule)\": expected MustRunAs or RunAsAny")
            }
            seLinuxRule = rule.isEmpty ? nil : rule
            if let options = try seLinux.object("seLinuxOptions", knownKeys: ["user", "role", "type", "level"]) {
                func option(_ key: String) throws(PSPConversionError) -> String {
                    let value = try options.string(key) ?? ""
                    try Self.checkWritable(value, path: options.path.appending(key))
                    return value
                }
                seLinuxOptions = SELinuxOptions(user: try option("user"), role: try option("role"),
                                                type: try option("type"), level: try option("level"))
            }
            if rule == "MustRunAs", seLinuxOptions == nil {
                throw seLinux.path.appending("seLinuxOptions").error("required when the rule is MustRunAs")
            }
        }
        if let runtimeClass = try spec.object("runtimeClass", knownKeys: ["allowedRuntimeClassNames", "defaultRuntimeClassName"]) {
            allowedRuntimeClassNames = try Self.names(runtimeClass.list("allowedRuntimeClassNames"))
            defaultRuntimeClassName = try runtimeClass.string("defaultRuntimeClassName")
        }
    }

    // MARK: Field helpers

    /// Free text that goes into conditions and outputs: it must have a quoted condition form, fit on one
    /// line of a folded condition block, and hold no `%` (which starts a field reference in outputs).
    static func checkWritable(_ value: String, path: FieldPath) throws(PSPConversionError) {
        guard ConditionText.quoted(value) != nil else {
            throw path.error("\"\(value)\" cannot be written into a Falco condition (\(ConditionText.unwritableReason))")
        }
        guard YAMLText.fitsOnOneLine(value) else {
            throw path.error("\"\(value)\" cannot be written into a Falco condition (it holds a tab, line break or control character, which a folded condition line cannot carry)")
        }
        guard !value.contains("%") else {
            throw path.error("\"\(value)\" contains '%', which Falco outputs read as a field reference")
        }
    }

    private static func strategy(_ object: ManifestObject?, rules: Set<IDStrategy.Rule>) throws(PSPConversionError) -> IDStrategy? {
        guard let object else { return nil }
        let text = try object.string("rule") ?? ""
        var rule: IDStrategy.Rule?
        if !text.isEmpty {
            guard let known = IDStrategy.Rule(rawValue: text), rules.contains(known) else {
                let expected = [IDStrategy.Rule.mustRunAs, .mayRunAs, .mustRunAsNonRoot, .runAsAny]
                    .filter(rules.contains).map(\.rawValue)
                throw object.path.appending("rule").error(
                    "unknown strategy \"\(text)\": expected \(expected.dropLast().joined(separator: ", ")) or \(expected.last!)")
            }
            rule = known
        }
        let ranges = try Self.ranges(object.list("ranges"), bounds: 0...Int64.max)
        if let rule, rule == .mustRunAs || rule == .mayRunAs, ranges.isEmpty {
            throw object.path.appending("ranges").error("\(rule.rawValue) needs at least one range")
        }
        return IDStrategy(rule: rule, ranges: ranges)
    }

    private static func ranges(_ items: [ManifestValue], bounds: ClosedRange<Int64>) throws(PSPConversionError) -> [IDRange] {
        var ranges: [IDRange] = []
        for item in items {
            let object = try item.object(knownKeys: ["min", "max"])
            let min = try object["min"]?.integer(in: bounds) ?? 0
            let max = try object["max"]?.integer(in: bounds) ?? 0
            guard min <= max else { throw item.path.error("min \(min) is greater than max \(max)") }
            ranges.append(IDRange(min: min, max: max))
        }
        return ranges
    }

    private static func names(_ items: [ManifestValue], allowed: Set<String>? = nil, what: String = "")
        throws(PSPConversionError) -> [String] {
        var names: [String] = []
        for item in items {
            let name = try item.string()
            guard !name.isEmpty else { throw item.path.error("must not be empty") }
            try checkWritable(name, path: item.path)
            if let allowed, !allowed.contains(name) {
                let hint = allowed.first { $0.lowercased() == name.lowercased() }.map { " (did you mean \($0)?)" } ?? ""
                throw item.path.error("\"\(name)\" is not \(what)\(hint)")
            }
            names.append(name)
        }
        return names
    }

    /// Capability names (`NET_ADMIN`, `CAP_NET_ADMIN`, `ALL`), or `*` where it means "all".
    private static func capabilities(_ items: [ManifestValue], wildcard: Bool) throws(PSPConversionError) -> [String] {
        let capabilities = try names(items)
        for (capability, item) in zip(capabilities, items) where !(wildcard && capability == "*") {
            guard capability.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw item.path.error("\"\(capability)\" is not a capability name")
            }
        }
        return capabilities
    }

    private static func requiredStrings(_ items: [ManifestValue], key: String) throws(PSPConversionError) -> [String] {
        var values: [String] = []
        for item in items {
            let object = try item.object(knownKeys: [key])
            guard let value = try object.string(key), !value.isEmpty else {
                throw object.path.appending(key).error("required")
            }
            try checkWritable(value, path: object.path.appending(key))
            values.append(value)
        }
        return values
    }

    /// Sysctl names or `prefix*` patterns (`*` alone = all), as Kubernetes validates them.
    private static func sysctlPatterns(_ items: [ManifestValue]) throws(PSPConversionError) -> [String] {
        let patterns = try names(items)
        for (pattern, item) in zip(patterns, items) {
            let body = pattern.hasSuffix("*") ? pattern.dropLast() : Substring(pattern)
            let valid = body.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || "._-/".contains($0) }
            guard valid, pattern == "*" || !body.isEmpty else {
                throw item.path.error("\"\(pattern)\" is not a sysctl name or pattern (a name, a prefix ending in *, or * alone)")
            }
        }
        return patterns
    }
}
