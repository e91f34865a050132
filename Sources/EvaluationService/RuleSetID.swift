import ConversionService
import Crypto
import GRPCKit
import PspctlProtocol

/// The id of a rule set loaded from rules files: the SHA-256 (hex) of a canonical form of everything
/// that decides what is compiled: the load options, then every file's name and text in load order, each
/// length-prefixed so no two different inputs share a form.
enum RuleSetID {
    static func of(files: [PspctlV1.RulesFile], options: PspctlV1.LoadOptions) -> String {
        var hasher = SHA256()
        func add(_ bytes: some Collection<UInt8>) {
            var length = UInt64(bytes.count).bigEndian
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(data: Array(bytes))
        }
        add("pspctl.v1.RulesFiles".utf8)
        add("min_priority=\(options.minPriority.rawValue);iso8601_time=\(options.iso8601Time)".utf8)
        for file in files {
            add(file.name.utf8)
            add(file.yaml.utf8)
        }
        return hasher.finalize().map { byte in
            let hex = Array("0123456789abcdef".utf8)
            return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
        }.joined()
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
