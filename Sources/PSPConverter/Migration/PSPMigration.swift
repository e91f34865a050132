import PodSecurity
import YAMLKit

/// `pspctl convert --psp-path X --suggest-standard`: which Pod Security Standard to migrate each
/// PodSecurityPolicy of a file to (psp-to-pss-mapping.md).
public enum PSPMigration {
    /// The advice for every PodSecurityPolicy in `text`: one document, several (`---`), or a `List` /
    /// `PodSecurityPolicyList` (`kubectl get psp -o yaml`), judged at `version` (`latest` = the newest
    /// version PodSecurity knows). A document holding only comments is skipped; errors name the document
    /// or item and the field.
    /// `version` is `latest` or `v1.N` (`--standard-version`); `path` is the file the text came from, for the
    /// `pspctl report` command line each suggestion proposes (nil or `-`: `FILE`).
    public static func suggest(yaml text: String, version versionText: String = "latest",
                               path: String? = nil) throws(PSPConversionError) -> StandardSuggestions {
        let version: PolicyVersion
        do { version = try PolicyVersion(parsing: versionText) } catch {
            // Worded as `convert --standard` words it; the "field" is the option, so no file name precedes it.
            throw PSPConversionError(field: "--standard-version \"\(versionText)\"", message: error.message)
        }
        let registry = CheckRegistry.standard
        var warnings: [String] = []
        if !version.isLatest, registry.maxVersion < version {
            warnings.append("--standard-version \(version) is newer than the newest Pod Security Standards version pspctl knows "
                + "(\(registry.maxVersion)): it is evaluated as \(registry.maxVersion), as Pod Security Admission does")
        }
        let documents: [YAMLNode]
        do { documents = try YAML.parseDocuments(text) } catch {
            throw PSPConversionError(field: nil, message: "not valid YAML: \(error)")
        }
        var policies: [(PodSecurityPolicy, String)] = []
        for (index, document) in documents.enumerated() {
            // A document of comments only (`---` then nothing) is an empty, plain scalar.
            if case .scalar(let scalar) = document, scalar.isPlain, ["", "~", "null"].contains(scalar.value) { continue }
            let location = documents.count > 1 ? "document \(index + 1)" : ""
            if let items = listItems(document) {
                for (itemIndex, item) in items.enumerated() {
                    let path = FieldPath.root.appending("items").appending(index: itemIndex)
                    let policy = try decode(item, path: path, location: location)
                    policies.append((policy, [location, path.description].filter { !$0.isEmpty }.joined(separator: ", ")))
                }
            } else {
                policies.append((try decode(document, path: .root, location: location), location))
            }
        }
        guard !policies.isEmpty else {
            throw PSPConversionError(field: nil, message: "the input holds no PodSecurityPolicy")
        }
        let builder = SuggestionBuilder()
        return StandardSuggestions(
            policies: policies.map { builder.build($0.0, location: $0.1, target: version, path: path.flatMap { $0 == "-" ? nil : $0 }) },
            warnings: warnings,
            notes: [
                "Pod Security Admission applies one level per namespace (label pod-security.kubernetes.io/enforce), "
                    + "never per user or service account as PSP did, and never changes pods.",
                "Check a suggestion on real traffic before enforcing it: its `pspctl report` line shows, from an audit "
                    + "log, which workloads the PSP and the suggested level would each reject.",
            ])
    }

    /// The items of a `List` or `PodSecurityPolicyList`; nil for any other document.
    private static func listItems(_ node: YAMLNode) -> [YAMLNode]? {
        guard let kind = node["kind"]?.scalarText, kind == "List" || kind == "PodSecurityPolicyList" else { return nil }
        return node["items"]?.sequenceItems ?? []
    }

    private static func decode(_ node: YAMLNode, path: FieldPath, location: String) throws(PSPConversionError) -> PodSecurityPolicy {
        do {
            return try PodSecurityPolicy(node: node, path: path)
        } catch {
            guard !location.isEmpty else { throw error }
            throw PSPConversionError(field: error.field.map { "\(location): \($0)" }, message: error.field == nil ? "\(location): \(error.message)" : error.message)
        }
    }
}
