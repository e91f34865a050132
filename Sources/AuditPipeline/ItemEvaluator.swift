import K8sAuditFields
import RulesEngine

/// What one item gave: a log line's bytes (an audit Event, an EventList or a JSON array of events).
public struct ItemOutcome: Sendable, Equatable {
    /// Events the item held (when rejected: those evaluated up to the failure, as the CLI counts them).
    public var events = 0
    /// Alerts reported for it (when rejected: those of the events before the failing one, which the CLI
    /// prints before the line error).
    public var alerts = 0
    /// Pod-creating requests logged without their requestObject (counted only when a rule reads pod specs).
    public var podRequestsWithoutObject = 0
    /// Why the item was rejected (the reason of the line error), or nil.
    public var rejection: String?
    /// Empty or whitespace only: not an event and not an error, skipped.
    public var isBlank = false

    public init() {}
}

/// Evaluates one item against a loaded engine. Immutable and shareable: embedded `pspctl watch` and
/// every Evaluate stream of the EvaluatorService run this same code; they differ in what they do with
/// each alert (write the line, or build a message).
public struct ItemEvaluator: Sendable {
    public let engine: RulesEngine
    public let allMatches: Bool
    /// Alerts of rules less severe than this are not reported (nil: every alert).
    public let minimumAlertPriority: Priority?
    /// Whether an enabled k8s_audit rule reads the pod spec of a request (`ka.req.pod*`, `ka.pss.*` …).
    public let podSpecRules: Bool
    /// Sensor events of the types Falco skips by default are judged too (Falco's `-A`).
    public let allEvents: Bool
    private let podCreatingRequest = PodCreatingRequest()

    public init(engine: RulesEngine, allMatches: Bool, minimumAlertPriority: Priority? = nil, allEvents: Bool = false) {
        self.engine = engine
        self.allMatches = allMatches
        self.minimumAlertPriority = minimumAlertPriority
        self.allEvents = allEvents
        podSpecRules = !RuleSourceCheck.podSpecRuleNames(engine).isEmpty
    }

    /// Evaluates `item`, calling `onAlert` for each alert in the order the CLI prints them.
    public func evaluate(_ item: UnsafeBufferPointer<UInt8>,
                         onAlert: (_ ruleIndex: Int, _ rule: borrowing CompiledRule, _ context: K8sEventContext,
                                   _ eventIndex: Int) -> Void) -> ItemOutcome {
        var outcome = ItemOutcome()
        if Self.isBlank(item) {
            outcome.isBlank = true
            return outcome
        }
        let events: K8sAuditEvents
        do {
            events = try K8sAuditDocument.events(from: item)
        } catch {
            outcome.rejection = "\(error)"
            return outcome
        }
        var eventIndex = 0
        for event in events {
            outcome.events += 1
            let context = K8sEventContext(event: event)
            do {
                try engine.forEachMatch(for: context, allMatches: allMatches) { index, rule in
                    if let minimum = minimumAlertPriority, !rule.priority.isAtLeast(minimum) { return }
                    onAlert(index, rule, context, eventIndex)
                    outcome.alerts += 1
                }
            } catch {
                outcome.rejection = "unknown error processing audit event (\(error))"
                return outcome
            }
            // After the rules: their extraction of ka.verb is memoised, so most events cost one lookup.
            if podSpecRules && podCreatingRequest.lacksRequestObject(context) { outcome.podRequestsWithoutObject += 1 }
            eventIndex += 1
        }
        return outcome
    }

    /// Empty and whitespace-only lines are skipped anywhere in a log.
    public static func isBlank<Line: Collection>(_ line: Line) -> Bool where Line.Element == UInt8 {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A || $0 == 0x0B || $0 == 0x0C }
    }
}
