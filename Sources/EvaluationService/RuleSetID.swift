import ConversionService
import Crypto
import GRPCKit
import PspctlProtocol

/// The id of a rule set loaded from rules files: `RuleSetIdentity`'s content address of the files' names
/// and texts in load order and of the load options.
enum RuleSetID {
    static func of(files: [PspctlV1.RulesFile], options: PspctlV1.LoadOptions) throws(RPCError) -> String {
        RuleSetIdentity.id(rulesFiles: files.map(\.yaml), names: files.map(\.name), options: try options.engineOptions())
    }
}

/// The id of a compiled rule set (Converter/Convert's answer): its own `id`, which must be the
/// content-addressed id of its `rules_yaml` (`RuleSetIdentity`, as ConverterService computes it), re-keyed
/// by the load options when they are not the conversion's defaults. The tree is not part of it: an id
/// already cached with another tree is refused (`treeDigest`), never replaced.
enum CompiledRuleSetID {
    static func of(_ compiled: PspctlV1.CompiledRuleSet, options: PspctlV1.LoadOptions) throws(RPCError) -> String {
        let expected = RuleSetIdentity.id(rulesFiles: [compiled.rulesYAML], options: ConversionService.loadOptions)
        guard compiled.id == expected else {
            throw RPCError(.invalidArgument, "the compiled rule set's id \"\(compiled.id)\" is not the id of its rules_yaml (\(expected))")
        }
        return RuleSetIdentity.id(rulesFiles: [compiled.rulesYAML], options: try options.engineOptions())
    }

    /// SHA-256 of the encoded rules (protobuf-c encodes a message deterministically).
    static func treeDigest(_ compiled: PspctlV1.CompiledRuleSet) -> [UInt8] {
        Array(SHA256.hash(data: PspctlV1.CompiledRuleSet(rules: compiled.rules).encoded()))
    }
}
