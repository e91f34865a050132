import FalcoRulesText
import PodSecurity

/// What `pspctl convert --standard` asks for. Empty `level`/`version` strings mean "not given": they then
/// come from the admission configuration's `defaults.enforce`/`enforce-version`, the way a namespace's
/// `enforce` labels override those defaults (`version` alone defaults to `latest`).
public struct PSSConversionRequest: Sendable {
    public var level: String
    public var version: String
    public var exemptUsers: [String]
    public var exemptNamespaces: [String]
    public var exemptRuntimeClasses: [String]
    /// Text of an `AdmissionConfiguration` or `PodSecurityConfiguration` file.
    public var admissionConfigYAML: String?
    /// Where that text came from (a path), named in its error messages.
    public var admissionConfigName: String?
    /// The file the configuration's PodSecurity plugin names by `path`, read by the caller: converting
    /// opens no file (`PodSecurityConfiguration.readReferencedFile(of:)`).
    public var admissionConfigReferencedFile: PodSecurityConfiguration.ReferencedFile?

    public init(level: String, version: String, exemptUsers: [String], exemptNamespaces: [String],
                exemptRuntimeClasses: [String], admissionConfigYAML: String?, admissionConfigName: String? = nil,
                admissionConfigReferencedFile: PodSecurityConfiguration.ReferencedFile? = nil) {
        self.level = level; self.version = version; self.exemptUsers = exemptUsers
        self.exemptNamespaces = exemptNamespaces; self.exemptRuntimeClasses = exemptRuntimeClasses
        self.admissionConfigYAML = admissionConfigYAML
        self.admissionConfigName = admissionConfigName
        self.admissionConfigReferencedFile = admissionConfigReferencedFile
    }

    /// How messages name the configuration: `--admission-config` and its path when known.
    public var admissionConfigLabel: String { Self.admissionConfigLabel(admissionConfigName) }

    public static func admissionConfigLabel(_ name: String?) -> String {
        name.map { "--admission-config \($0)" } ?? "--admission-config"
    }
}

public struct PSSConversion: Sendable {
    /// The rules file (k8s_audit source, one rule per active check).
    public let rulesYAML: String
    /// Human-readable lines: the policy, its rules and the exemptions applied.
    public let summary: [String]
    /// Things the user should know although the conversion succeeded (e.g. a version newer than any
    /// known, evaluated as the newest), one line each.
    public let warnings: [String]
}

/// Why a request cannot be converted; the message names the option or field that was wrong.
public struct PSSConversionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public enum PSSConverter {
    public static func convert(_ request: PSSConversionRequest) throws(PSSConversionError) -> PSSConversion {
        var configuration: PodSecurityConfiguration?
        if let text = request.admissionConfigYAML {
            do throws(PodSecurityConfigurationError) {
                configuration = try PodSecurityConfiguration(yaml: text, referencedFile: request.admissionConfigReferencedFile)
            } catch {
                throw PSSConversionError("\(request.admissionConfigLabel): \(error.message)")
            }
        }
        let policy = try policy(for: request, configuration: configuration)
        let exemptions = try mergedExemptions(request, configuration?.exemptions)
        let registry = CheckRegistry.standard
        let checks = registry.activeChecks(level: policy.level, version: policy.version)
        let rules = RulesFileWriter(policy: policy, effectiveVersion: registry.effectiveVersion(policy.version),
                                    checks: checks, exemptions: exemptions)
        return PSSConversion(rulesYAML: rules.text(),
                             summary: summary(request, policy: policy, checks: checks, exemptions: exemptions,
                                              registry: registry),
                             warnings: versionWarnings(request, policy: policy, registry: registry))
    }

    /// Pod Security Admission evaluates a numbered version newer than the newest it knows as that newest
    /// version (spec §9.1, version clamping); so does the conversion, and it says so.
    private static func versionWarnings(_ request: PSSConversionRequest, policy: PolicyLevelVersion,
                                        registry: CheckRegistry) -> [String] {
        let version = policy.version
        guard !version.isLatest, registry.maxVersion < version else { return [] }
        let origin = request.version.isEmpty ? "the admission configuration's enforce-version" : "--standard-version"
        return ["\(origin) \(version) is newer than the newest Pod Security Standards version pspctl knows "
            + "(\(registry.maxVersion)): it is evaluated as \(registry.maxVersion), as Pod Security Admission does"]
    }

    private static func policy(for request: PSSConversionRequest,
                               configuration: PodSecurityConfiguration?) throws(PSSConversionError) -> PolicyLevelVersion {
        let defaults = configuration?.defaults.enforce
        var policy = PolicyLevelVersion(level: defaults?.level ?? .privileged, version: defaults?.version ?? .latest)
        if !request.level.isEmpty || defaults == nil {
            do { policy.level = try PolicyLevel(parsing: request.level) } catch {
                throw PSSConversionError("--standard \(quoted(request.level)): \(error.message)")
            }
        }
        if !request.version.isEmpty {
            do { policy.version = try PolicyVersion(parsing: request.version) } catch {
                throw PSSConversionError("--standard-version \(quoted(request.version)): \(error.message)")
            }
        }
        return policy
    }

    /// The options' exemptions, validated as PSA validates its configuration, then the configuration's;
    /// duplicates dropped.
    private static func mergedExemptions(_ request: PSSConversionRequest,
                                         _ configured: PodSecurityConfiguration.Exemptions?) throws(PSSConversionError) -> Exemptions {
        func validated(_ values: [String], _ name: (Int) -> String, _ problems: (String) -> [String]) throws(PSSConversionError) -> [String] {
            for (index, value) in values.enumerated() {
                let reasons = problems(value)
                if !reasons.isEmpty { throw PSSConversionError("\(name(index)) \(quoted(value)): \(reasons.joined(separator: ", "))") }
            }
            return values
        }
        // User names are free text: each must fit in a Falco condition value.
        let representable = { (user: String) in
            ConditionText.token(user) == nil ? ["cannot be written as a Falco condition value (\(ConditionText.unwritableReason))"] : []
        }
        let flagUsers = try validated(request.exemptUsers, { _ in "--exempt-user" }) {
            $0.isEmpty ? ["username must not be empty"] : representable($0)
        }
        let configuredUsers = try validated(configured?.usernames ?? [],
                                            { "\(request.admissionConfigLabel): exemptions.usernames[\($0)]" }, representable)
        let namespaces = try validated(request.exemptNamespaces, { _ in "--exempt-namespace" },
                                       KubernetesNameValidation.dns1123LabelErrors)
        let runtimeClasses = try validated(request.exemptRuntimeClasses, { _ in "--exempt-runtime-class" },
                                           KubernetesNameValidation.dns1123SubdomainErrors)
        func merged(_ first: [String], _ second: [String]?) -> [String] {
            var seen = Set<String>()
            return (first + (second ?? [])).filter { seen.insert($0).inserted }
        }
        return Exemptions(users: merged(flagUsers, configuredUsers),
                          namespaces: merged(namespaces, configured?.namespaces),
                          runtimeClasses: merged(runtimeClasses, configured?.runtimeClasses))
    }

    private static func summary(_ request: PSSConversionRequest, policy: PolicyLevelVersion, checks: [ActiveCheck],
                                exemptions: Exemptions, registry: CheckRegistry) -> [String] {
        var lines: [String] = []
        if request.admissionConfigYAML != nil && (request.level.isEmpty || request.version.isEmpty) {
            lines.append("policy \(policy) takes from the admission configuration's defaults what the options leave out")
        }
        if checks.isEmpty {
            lines.append("PodSecurity \"\(policy)\" runs no checks: the rules file has no rules")
        } else {
            lines.append("PodSecurity \"\(policy)\" (checks of policy version \(registry.effectiveVersion(policy.version))): "
                + "\(checks.count) rules: " + checks.map(\.check.id).joined(separator: ", "))
        }
        for (label, values) in [("users", exemptions.users), ("namespaces", exemptions.namespaces),
                                ("runtime classes", exemptions.runtimeClasses)] where !values.isEmpty {
            lines.append("exempt \(label): " + values.joined(separator: ", "))
        }
        return lines
    }

    private static func quoted(_ text: String) -> String { "\"\(text)\"" }
}

/// Requests PSA lets through without judging.
struct Exemptions {
    var users: [String]
    var namespaces: [String]
    var runtimeClasses: [String]
}
