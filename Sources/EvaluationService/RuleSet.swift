import AuditPipeline
import GRPCKit
import PspctlProtocol
import RulesEngine

/// The engine's priority (`PspctlV1.Priority` is the wire's).
typealias EnginePriority = Priority

/// A loaded, compiled rule set: immutable once made, shared by every stream that names its id.
final class RuleSet: Sendable {
    let id: String
    let engine: RulesEngine
    let options: PspctlV1.LoadOptions
    /// What LoadRuleSet answers for it (`alreadyCached` false).
    let loadResponse: PspctlV1.LoadRuleSetResponse
    /// A compiled set's tree digest (`CompiledRuleSetID.treeDigest`); nil for rules files.
    let treeDigest: [UInt8]?
    /// Each rule's priority name (`Warning` …), for the alert metrics.
    let priorityNames: [String: String]

    init(id: String, engine: RulesEngine, options: PspctlV1.LoadOptions, warnings: [RulesLoadWarningText],
         treeDigest: [UInt8]? = nil) {
        self.id = id
        self.treeDigest = treeDigest
        self.engine = engine
        self.options = options
        priorityNames = Dictionary(engine.rules.map { ($0.name, $0.priority.name) }, uniquingKeysWith: { first, _ in first })
        loadResponse = PspctlV1.LoadRuleSetResponse(
            id: id, ruleCount: UInt32(engine.rules.count), warnings: warnings.map(\.text),
            notableWarnings: warnings.indices.filter { warnings[$0].isNotable }.map(UInt32.init),
            noK8sAuditRulesWarning: RuleSourceCheck.noAuditRulesWarning(engine) ?? "",
            rules: engine.rules.map { PspctlV1.RuleInfo(name: $0.name, prioritySpelling: $0.prioritySpelling) },
            noSyscallRulesWarning: RuleSourceCheck.noRulesWarning(engine, source: .syscall) ?? "",
            ignoredEventTypesWarning: RuleSourceCheck.ignoredEventTypesWarning(engine) ?? "")
    }

    var summary: PspctlV1.RuleSetSummary {
        PspctlV1.RuleSetSummary(id: id, ruleCount: loadResponse.ruleCount, options: options)
    }
}

/// A loading warning as the wire carries it, and whether the CLI shows it without `--verbose`.
struct RulesLoadWarningText: Sendable {
    var text: String
    var isNotable: Bool
}

extension PspctlV1.Priority {
    /// The engine's priority, nil for `unspecified` (every rule); throws for a value this version does not know.
    func enginePriority() throws(RPCError) -> EnginePriority? {
        if self == .unspecified { return nil }
        guard let priority = EnginePriority(rawValue: Int(rawValue) - 1) else {
            throw RPCError(.invalidArgument, "unknown priority \(rawValue)")
        }
        return priority
    }

    init(_ priority: EnginePriority) {
        self.init(rawValue: Int32(priority.rawValue + 1))
    }
}
