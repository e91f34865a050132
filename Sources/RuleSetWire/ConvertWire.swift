import PodSecurity
import ConversionService
import PspctlProtocol

/// `ConversionRequest` ↔ `pspctl.v1.ConvertRequest`, and `ConversionResult` → `pspctl.v1.CompiledRuleSet`:
/// what `pspctl convert --converter` sends and ConverterService answers.
public enum ConvertWire {
    public static func convertRequest(_ request: ConversionRequest) -> PspctlV1.ConvertRequest {
        switch request {
        case .psp(let policy):
            return PspctlV1.ConvertRequest(policy: .psp(PspctlV1.PodSecurityPolicy(yaml: policy.yaml, displayName: policy.displayName)))
        case .standard(let standard):
            return PspctlV1.ConvertRequest(policy: .standard(PspctlV1.PodSecurityStandard(
                level: standard.level, version: standard.version, exemptUsers: standard.exemptUsers,
                exemptNamespaces: standard.exemptNamespaces, exemptRuntimeClasses: standard.exemptRuntimeClasses,
                admissionConfigYAML: standard.admissionConfigYAML ?? "", admissionConfigName: standard.admissionConfigName ?? "",
                referencedConfigPath: standard.referencedConfigFile?.path ?? "",
                referencedConfigYAML: standard.referencedConfigFile?.text ?? "")))
        }
    }

    /// The request a `ConvertRequest` makes; an admission configuration counts as given when its text or
    /// its name is non-empty (an empty file given by path is given). Throws for a request naming no policy.
    public static func conversionRequest(_ request: PspctlV1.ConvertRequest) throws(ConversionError) -> ConversionRequest {
        switch request.policy {
        case .psp(let policy)?:
            return .psp(PSPPolicyText(yaml: policy.yaml, displayName: policy.displayName))
        case .standard(let standard)?:
            let given = !standard.admissionConfigYAML.isEmpty || !standard.admissionConfigName.isEmpty
            return .standard(StandardPolicy(
                level: standard.level, version: standard.version, exemptUsers: standard.exemptUsers,
                exemptNamespaces: standard.exemptNamespaces, exemptRuntimeClasses: standard.exemptRuntimeClasses,
                admissionConfigYAML: given ? standard.admissionConfigYAML : nil,
                admissionConfigName: given ? (standard.admissionConfigName.isEmpty ? nil : standard.admissionConfigName) : nil,
                referencedConfigFile: standard.referencedConfigPath.isEmpty ? nil
                    : .init(path: standard.referencedConfigPath, text: standard.referencedConfigYAML)))
        case nil:
            throw ConversionError("the ConvertRequest sets no policy: set psp or standard")
        }
    }

    public static func compiledRuleSet(_ result: ConversionResult) -> PspctlV1.CompiledRuleSet {
        PspctlV1.CompiledRuleSet(id: result.id, rulesYAML: result.rulesYAML, rules: RuleSetWire.compiledRules(result.ruleSet),
                                 warnings: result.warnings, summary: result.summary)
    }
}
