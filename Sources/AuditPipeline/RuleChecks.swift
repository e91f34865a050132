import ConditionLanguage
import K8sAuditFields
import PodSecurity
import RulesEngine
import SyscallFields

/// Pod Security Admission's judged requests (pods and pod controllers, create/update/patch, no
/// exempt subresource) seen in an audit event that holds no `requestObject` (audit level `Metadata`).
/// Events at stage `RequestReceived` are left out, so a request logged at two stages counts once.
public struct PodCreatingRequest: Sendable {
    private static let kinds: [String: [String]] = Dictionary(
        grouping: WorkloadKind.allCases, by: \.resource).mapValues { $0.map(\.apiGroup) }
    /// `ka.verb in (create, update, patch)`: the field the rules have read already for this event.
    private let judgedVerb: K8sCheck?

    public init() {
        judgedVerb = try? K8sCheck(Comparison(field: "ka.verb", op: .in, values: PodSecurityAdmission.judgedVerbs),
                                   registry: RulesEngine.k8sFieldRegistry)
    }

    public func lacksRequestObject(_ context: K8sEventContext) -> Bool {
        guard let judgedVerb, (try? judgedVerb.evaluate(in: context)) == true else { return false }
        let object = context.event.object
        if let requestObject = object["requestObject"], requestObject.kind != .null { return false }
        guard let reference = object["objectRef"], let resource = reference["resource"]?.string,
              let groups = Self.kinds[resource] else { return false }
        let group = reference["apiGroup"]?.string ?? ""
        guard groups.contains(group) else { return false }
        if let subresource = reference["subresource"]?.string, !subresource.isEmpty { return false }
        if object["stage"]?.string == "RequestReceived" { return false }
        return true
    }
}

/// What the loaded rules can judge, told before the log is read.
public enum RuleSourceCheck {
    /// The enabled k8s_audit rules that read a request's pod spec.
    public static func podSpecRuleNames(_ engine: RulesEngine) -> [String] {
        let prefixes = ["ka.req.pod", "ka.req.container", "ka.req.volume", "ka.pss."]
        return engine.rules.filter { rule in
            rule.enabled && rule.source == .k8sAudit
                && rule.k8sConditionFieldNames.contains { name in prefixes.contains { name.hasPrefix($0) } }
        }.map(\.name)
    }

    /// A warning when no enabled rule has source k8s_audit (the log then cannot produce an alert), or nil.
    public static func noAuditRulesWarning(_ engine: RulesEngine) -> String? {
        noRulesWarning(engine, source: .k8sAudit)
    }

    /// A warning when no enabled rule has `source` (its input then cannot produce an alert), or nil.
    public static func noRulesWarning(_ engine: RulesEngine, source: EventSource) -> String? {
        guard !engine.sources.contains(source) else { return nil }
        let rules = engine.rules
        let loaded: String
        if rules.isEmpty {
            loaded = "no rules are loaded"
        } else {
            let other = rules.filter { $0.source != source }.count
            let otherSource = source == .k8sAudit ? EventSource.syscall : .k8sAudit
            let disabled = rules.count - other
            var parts: [String] = []
            if other > 0 { parts.append("\(other) with source \(otherSource.rawValue)") }
            if disabled > 0 { parts.append("\(disabled) disabled") }
            loaded = "\(rules.count) rules are loaded: " + parts.joined(separator: ", ")
        }
        let input = source == .k8sAudit ? "the audit log" : "the sensor events"
        return "warning: no loaded rule has source \(source.rawValue) (\(loaded)); \(input) cannot produce alerts"
    }

    /// Falco's start-up warning `ignored-evttype` (syscall-fields.md §4.6) in pspctl's words: the event
    /// types in the sets of the enabled syscall rules that are skipped by default, so that those rules
    /// never see them; nil when there are none.
    public static func ignoredEventTypesWarning(_ engine: RulesEngine) -> String? {
        var union = EventTypeSet.empty
        for rule in engine.rules where rule.enabled && rule.source == .syscall {
            if let condition = rule.condition { union = union.union(SyscallEventTypes.set(for: condition)) }
        }
        let skipped = SyscallEventTypes.skippedByDefault(in: union)
        guard !skipped.isEmpty else { return nil }
        return "warning (ignored-evttype): loaded rules match the following events: \(skipped.joined(separator: ",")); "
            + "but events of these types are skipped, as Falco skips them unless run with -A"
    }
}
