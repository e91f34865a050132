import PSPConverter
import PSSConverter
import RulesEngine

/// The outcome of one conversion.
public struct ConversionResult: Sendable {
    /// The rules file, as `pspctl convert` writes it.
    public var rulesYAML: String
    /// Which policy field became which rule, one line each, as `pspctl convert` prints them (before
    /// its own `rules written to …` line).
    public var summary: [String]
    /// The conversion's warnings, as `pspctl convert` prints them after `pspctl convert: warning: `.
    public var warnings: [String]
    /// The rules loaded, as the engine describes them (the compiled form).
    public var ruleSet: RuleSetDescription
    /// The content-addressed id (`RuleSetIdentity`).
    public var id: String
}

/// The one conversion pipeline, run by `pspctl convert` (embedded) and by ConverterService (remote):
/// policy text → the PSP or Pod Security Standards converter → rules YAML, summary, warnings → loaded
/// into a `RulesEngine` → its `RuleSetDescription` → the set's id.
public enum ConversionService {
    /// The options of the load whose id a conversion carries (the defaults: every rule, Falco's times).
    public static let loadOptions = RulesEngine.Options()

    /// The name the generated rules are loaded under (seen only if they failed to load, a pspctl bug).
    static let generatedRulesName = "<converted rules>"

    public static func convert(_ request: ConversionRequest) throws(ConversionError) -> ConversionResult {
        let (rulesYAML, summary, warnings) = try runConverter(request)
        let engine = RulesEngine(options: loadOptions)
        do {
            try engine.load(text: rulesYAML, name: generatedRulesName)
        } catch {
            throw ConversionError("the converted rules do not load (a pspctl bug): \(error.description)")
        }
        return ConversionResult(rulesYAML: rulesYAML, summary: summary, warnings: warnings,
                                ruleSet: engine.ruleSetDescription,
                                id: RuleSetIdentity.id(rulesFiles: [rulesYAML], options: loadOptions))
    }

    /// The converter the request names, with the CLI's error messages.
    static func runConverter(_ request: ConversionRequest) throws(ConversionError)
        -> (rulesYAML: String, summary: [String], warnings: [String]) {
        switch request {
        case .psp(let policy):
            do {
                let conversion = try PSPConverter.convert(yaml: policy.yaml)
                return (conversion.rulesYAML, conversion.summary, [])
            } catch {
                // An error of the input as a whole (not YAML, several documents) names the file.
                let name = policy.displayName.isEmpty ? "-" : policy.displayName
                throw ConversionError(error.field == nil ? "\(name): \(error.description)" : error.description)
            }
        case .standard(let standard):
            let request = PSSConversionRequest(
                level: standard.level, version: standard.version, exemptUsers: standard.exemptUsers,
                exemptNamespaces: standard.exemptNamespaces, exemptRuntimeClasses: standard.exemptRuntimeClasses,
                admissionConfigYAML: standard.admissionConfigYAML, admissionConfigName: standard.admissionConfigName,
                admissionConfigReferencedFile: standard.referencedConfigFile)
            do {
                let conversion = try PSSConverter.convert(request)
                return (conversion.rulesYAML, conversion.summary, conversion.warnings)
            } catch {
                throw ConversionError(error.description)
            }
        }
    }
}
