import Foundation
import YAMLKit

/// PSA's configuration: default policies for namespaces without labels, and exemptions
/// (pod-security-admission `admission/api`, spec §6.8).
public struct PodSecurityConfiguration: Sendable, Equatable {
    public struct Defaults: Sendable, Equatable {
        public var enforce: PolicyLevelVersion
        public var audit: PolicyLevelVersion
        public var warn: PolicyLevelVersion
    }

    public struct Exemptions: Sendable, Equatable {
        public var usernames: [String]
        public var namespaces: [String]
        public var runtimeClasses: [String]
    }

    public var defaults: Defaults
    public var exemptions: Exemptions

    /// No configuration: every mode `privileged:latest`, no exemptions.
    public static let standard = PodSecurityConfiguration(
        defaults: Defaults(enforce: .init(level: .privileged, version: .latest),
                           audit: .init(level: .privileged, version: .latest),
                           warn: .init(level: .privileged, version: .latest)),
        exemptions: Exemptions(usernames: [], namespaces: [], runtimeClasses: []))

    static let apiVersions = ["v1", "v1beta1", "v1alpha1"].map { "pod-security.admission.config.k8s.io/\($0)" }
    static let admissionConfigurationAPIVersions = [
        "apiserver.config.k8s.io/v1", "apiserver.config.k8s.io/v1alpha1", "apiserver.k8s.io/v1alpha1",
    ]

    /// The file an admission configuration's `PodSecurity` plugin names by `path`, read by whoever reads
    /// the admission configuration itself (the CLI), so that converting it never reads a file: a
    /// converter serving remote requests must not open paths a request names.
    public struct ReferencedFile: Sendable, Equatable {
        public var path: String
        public var text: String
        public init(path: String, text: String) { self.path = path; self.text = text }
    }

    /// Reads an API server `AdmissionConfiguration` (its `PodSecurity` plugin entry, inline, or by absolute
    /// `path` whose text is `referencedFile`) or a bare `PodSecurityConfiguration` (the webhook's `--config`).
    /// An admission configuration without a PodSecurity entry gives the defaults, as the API server does.
    public init(yaml text: String, referencedFile: ReferencedFile? = nil) throws(PodSecurityConfigurationError) {
        let root = try Self.singleDocument(text)
        switch root["kind"]?.scalarText {
        case "PodSecurityConfiguration":
            try self.init(decoding: root)
        case "AdmissionConfiguration":
            try Self.requireAPIVersion(root, Self.admissionConfigurationAPIVersions, path: "")
            switch Self.podSecurityPlugin(of: root) {
            case nil:
                self = .standard
            case .inline(let configuration, let index):
                try self.init(decoding: configuration, path: "plugins[\(index)].configuration.")
            case .file(let path, let field):
                try Self.requireAbsolute(path, field: field)
                guard let referencedFile, referencedFile.path == path else {
                    throw PodSecurityConfigurationError("\(field): \(path) was not sent with the configuration (a converter reads no file a request names)")
                }
                let root = try Self.singleDocument(referencedFile.text, file: path)
                guard root["kind"]?.scalarText == "PodSecurityConfiguration" else {
                    throw PodSecurityConfigurationError("\(path): kind \(goQuote(root["kind"]?.scalarText ?? "")) is not PodSecurityConfiguration")
                }
                try self.init(decoding: root)
            }
        case let kind:
            throw PodSecurityConfigurationError(
                "kind \(goQuote(kind ?? "")) is neither AdmissionConfiguration nor PodSecurityConfiguration")
        }
    }

    /// Reads the file `text`'s PodSecurity plugin names by `path`, or nil when it names none (or `text` is
    /// not an admission configuration: `init(yaml:)` then says what is wrong with it).
    public static func readReferencedFile(of text: String) throws(PodSecurityConfigurationError) -> ReferencedFile? {
        guard let root = try? singleDocument(text), root["kind"]?.scalarText == "AdmissionConfiguration",
              case .file(let path, let field) = podSecurityPlugin(of: root) else { return nil }
        try requireAbsolute(path, field: field)
        do { return ReferencedFile(path: path, text: try String(contentsOfFile: path, encoding: .utf8)) } catch {
            throw PodSecurityConfigurationError("\(field): cannot read \(path): \(error.localizedDescription)")
        }
    }

    private enum PluginConfiguration {
        case inline(YAMLNode, index: Int)
        case file(path: String, field: String)
    }

    /// The `PodSecurity` entry of an admission configuration's plugins, if it configures anything.
    private static func podSecurityPlugin(of root: YAMLNode) -> PluginConfiguration? {
        let plugins = root["plugins"]?.sequenceItems ?? []
        guard let index = plugins.firstIndex(where: { $0["name"]?.scalarText == "PodSecurity" }) else { return nil }
        let plugin = plugins[index]
        if let configuration = plugin["configuration"], !configuration.isYAMLNull { return .inline(configuration, index: index) }
        if let path = plugin["path"]?.scalarText, !path.isEmpty { return .file(path: path, field: "plugins[\(index)].path") }
        return nil
    }

    /// The API server resolves a relative path against the admission configuration's directory, which
    /// is not known here.
    private static func requireAbsolute(_ path: String, field: String) throws(PodSecurityConfigurationError) {
        guard path.hasPrefix("/") else {
            throw PodSecurityConfigurationError("\(field): relative path \(goQuote(path)) is not supported; give an absolute path or an inline configuration")
        }
    }

    /// Decodes strictly (unknown and duplicated fields are errors), applies the defaults, then validates.
    private init(decoding node: YAMLNode, path prefix: String = "") throws(PodSecurityConfigurationError) {
        var decoder = StrictDecoder(prefix: prefix)
        try Self.requireAPIVersion(node, Self.apiVersions, path: prefix)
        guard node["kind"]?.scalarText == "PodSecurityConfiguration" else {
            throw PodSecurityConfigurationError("\(prefix)kind: expected PodSecurityConfiguration")
        }
        let top = try decoder.mapping(node, path: "", keys: ["apiVersion", "kind", "defaults", "exemptions"])
        let defaults = try decoder.mapping(top["defaults"], path: "defaults",
                                           keys: ["enforce", "enforce-version", "audit", "audit-version", "warn", "warn-version"])
        let exemptions = try decoder.mapping(top["exemptions"], path: "exemptions",
                                             keys: ["usernames", "namespaces", "runtimeClasses"])

        var errors: [FieldValidationError] = []
        func policy(_ mode: String) throws(PodSecurityConfigurationError) -> PolicyLevelVersion {
            let levelText = try decoder.string(defaults[mode], path: "defaults.\(mode)")
            let versionText = try decoder.string(defaults["\(mode)-version"], path: "defaults.\(mode)-version")
            var result = PolicyLevelVersion(level: .privileged, version: .latest)
            do { if !levelText.isEmpty { result.level = try PolicyLevel(parsing: levelText) } } catch {
                errors.append(FieldValidationError(path: "defaults.\(mode)", kind: .invalid, value: levelText, detail: error.message))
            }
            do { if !versionText.isEmpty { result.version = try PolicyVersion(parsing: versionText) } } catch {
                errors.append(FieldValidationError(path: "defaults.\(mode)-version", kind: .invalid, value: versionText, detail: error.message))
            }
            return result
        }
        // PSA validates in this order: enforce, warn, audit.
        let enforce = try policy("enforce"), warn = try policy("warn"), audit = try policy("audit")

        let namespaces = try decoder.strings(exemptions["namespaces"], path: "exemptions.namespaces")
        let runtimeClasses = try decoder.strings(exemptions["runtimeClasses"], path: "exemptions.runtimeClasses")
        let usernames = try decoder.strings(exemptions["usernames"], path: "exemptions.usernames")
        errors += Self.validateExemptions(namespaces, path: "exemptions.namespaces", KubernetesNameValidation.dns1123LabelErrors)
        errors += Self.validateExemptions(runtimeClasses, path: "exemptions.runtimeClasses", KubernetesNameValidation.dns1123SubdomainErrors)
        errors += Self.validateExemptions(usernames, path: "exemptions.usernames") { $0.isEmpty ? ["username must not be empty"] : [] }
        guard errors.isEmpty else {
            throw PodSecurityConfigurationError("\(prefix.isEmpty ? "" : prefix.dropLast() + ": ")\(FieldValidationError.aggregate(errors))")
        }
        self.init(defaults: Defaults(enforce: enforce, audit: audit, warn: warn),
                  exemptions: Exemptions(usernames: usernames, namespaces: namespaces, runtimeClasses: runtimeClasses))
    }

    init(defaults: Defaults, exemptions: Exemptions) {
        self.defaults = defaults; self.exemptions = exemptions
    }

    /// Each value must be valid and appear once; `path[i]` names the offending entry.
    public static func validateExemptions(_ values: [String], path: String,
                                          _ problems: (String) -> [String]) -> [FieldValidationError] {
        var errors: [FieldValidationError] = []
        var seen = Set<String>()
        for (index, value) in values.enumerated() {
            let reasons = problems(value)
            if !reasons.isEmpty {
                errors.append(FieldValidationError(path: "\(path)[\(index)]", kind: .invalid, value: value,
                                                   detail: reasons.joined(separator: ", ")))
            } else if !seen.insert(value).inserted {
                errors.append(FieldValidationError(path: "\(path)[\(index)]", kind: .duplicate, value: value))
            }
        }
        return errors
    }

    private static func singleDocument(_ text: String, file: String? = nil) throws(PodSecurityConfigurationError) -> YAMLNode {
        let where_ = file.map { "\($0): " } ?? ""
        let documents: [YAMLNode]
        do { documents = try YAML.parseDocuments(text) } catch {
            throw PodSecurityConfigurationError("\(where_)not YAML: \(error)")
        }
        guard documents.count == 1, documents[0].mappingPairs != nil else {
            throw PodSecurityConfigurationError("\(where_)expected one YAML document holding a mapping, found \(documents.count == 1 ? "a \(documents[0].sequenceItems != nil ? "sequence" : "scalar")" : "\(documents.count) documents")")
        }
        return documents[0]
    }

    private static func requireAPIVersion(_ node: YAMLNode, _ accepted: [String], path: String) throws(PodSecurityConfigurationError) {
        let apiVersion = node["apiVersion"]?.scalarText ?? ""
        guard accepted.contains(apiVersion) else {
            throw PodSecurityConfigurationError("\(path)apiVersion \(goQuote(apiVersion)) is not one of \(accepted.joined(separator: ", "))")
        }
    }
}

/// Why a configuration file cannot be used.
public struct PodSecurityConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Decodes YAML into the configuration's shapes the way Kubernetes' strict decoder does: unknown or
/// duplicated fields and values of the wrong type are errors; null counts as unset.
private struct StrictDecoder {
    let prefix: String

    /// The mapping's values by key, after checking every key is known and appears once.
    mutating func mapping(_ node: YAMLNode?, path: String, keys: Set<String>) throws(PodSecurityConfigurationError) -> [String: YAMLNode] {
        guard let node, !node.isYAMLNull else { return [:] }
        guard let pairs = node.mappingPairs else { throw error(path, "expected a mapping") }
        var values: [String: YAMLNode] = [:]
        for pair in pairs {
            guard let key = pair.key.scalarText else { throw error(path, "expected string keys") }
            let field = path.isEmpty ? key : "\(path).\(key)"
            guard keys.contains(key) else { throw PodSecurityConfigurationError("strict decoding error: unknown field \"\(prefix)\(field)\"") }
            guard values.updateValue(pair.value, forKey: key) == nil else {
                throw PodSecurityConfigurationError("strict decoding error: duplicate field \"\(prefix)\(field)\"")
            }
        }
        return values
    }

    func string(_ node: YAMLNode?, path: String) throws(PodSecurityConfigurationError) -> String {
        guard let node, !node.isYAMLNull else { return "" }
        guard let scalar = node.scalar else { throw error(path, "expected a string") }
        guard case .string(let text) = YAMLScalarValue(resolving: scalar) else {
            throw error(path, "expected a string, got \(scalar.value) (quote it)")
        }
        return text
    }

    func strings(_ node: YAMLNode?, path: String) throws(PodSecurityConfigurationError) -> [String] {
        guard let node, !node.isYAMLNull else { return [] }
        guard let items = node.sequenceItems else { throw error(path, "expected a list of strings") }
        var result: [String] = []
        for (index, item) in items.enumerated() { result.append(try string(item, path: "\(path)[\(index)]")) }
        return result
    }

    private func error(_ path: String, _ message: String) -> PodSecurityConfigurationError {
        PodSecurityConfigurationError("\(prefix)\(path): \(message)")
    }
}
