import AuditJSON
import ConditionLanguage
import Foundation
import K8sAuditFields
import PodSecurity
import RulesEngine

/// Streams an audit log through the engine: one document per line, alerts written as they are found.
struct AuditLogEvaluation {
    let engine: RulesEngine
    let formatter: AlertFormatter
    let keepGoing: Bool
    let allMatches: Bool

    private(set) var lines = 0
    private(set) var events = 0
    private(set) var rejectedLines = 0
    /// The log could not be read to its end (exit status 2).
    private(set) var readFailed = false
    /// Pod-creating requests that carried no request object, counted only when a loaded rule judges pod
    /// specs (`podSpecRules`): nothing such a rule reads is in them.
    private(set) var unjudgedPodRequests = 0
    /// Whether an enabled k8s_audit rule reads the pod spec of a request (`ka.req.pod*`, `ka.pss.*` …).
    let podSpecRules: Bool
    private let podCreatingRequest = PodCreatingRequest()
    /// Alerts per rule, indexed like `engine.rules`.
    private var alertsByRule: [Int]
    private var alerts = 0
    private var out = OutputBuffer(fileDescriptor: 1)
    private var progress: ProgressLine?

    /// `showProgress`: keep a live count on stderr (only worth it, and only done, on a terminal).
    init(engine: RulesEngine, formatter: AlertFormatter, keepGoing: Bool, allMatches: Bool, showProgress: Bool) {
        self.engine = engine; self.formatter = formatter; self.keepGoing = keepGoing; self.allMatches = allMatches
        alertsByRule = Array(repeating: 0, count: engine.rules.count)
        progress = showProgress && isatty(2) == 1 ? ProgressLine() : nil
        podSpecRules = RuleSourceCheck.podSpecRuleNames(engine).isEmpty == false
    }

    /// Returns false when a bad line or a read error stopped the run (without --keep-going).
    mutating func run(_ reader: AuditLogReader) -> Bool {
        var stopped = false
        reader.forEachLine { line, lineNumber in
            lines = lineNumber
            if Self.isBlank(line) { return true }
            do {
                let docEvents = try K8sAuditDocument.events(from: line)
                for event in docEvents {
                    events += 1
                    let context = K8sEventContext(event: event)
                    do {
                        try engine.forEachMatch(for: context, allMatches: allMatches) { index, rule in
                            out.writeAlert(formatter, rule, context)
                            alerts += 1
                            alertsByRule[index] += 1
                        }
                    } catch {
                        return reject(line: line, number: lineNumber, reason: "unknown error processing audit event (\(error))")
                    }
                    // After the rules: their extraction of ka.verb is memoised, so most events cost one lookup.
                    if podSpecRules && podCreatingRequest.lacksRequestObject(context) { unjudgedPodRequests += 1 }
                }
            } catch {
                return reject(line: line, number: lineNumber, reason: "\(error)")
            }
            return true
        } onOverlongLine: { prefix, lineNumber in
            lines = lineNumber
            return reject(line: prefix, number: lineNumber, reason: "line is longer than \(reader.maxLineBytes) bytes",
                          truncated: true)
        } onChunkEnd: {
            out.flush()
            progress?.update("\(lines) lines, \(events) events, \(alerts) alerts")
        } onReadError: { message in
            out.flush()
            progress?.clear()
            FileHandle.standardError.write(Data("pspctl watch: \(message)\n".utf8))
            readFailed = true
            stopped = true
        }
        out.flush()
        progress?.clear()
        return !stopped && !(rejectedLines > 0 && !keepGoing)
    }

    /// Reports a bad line; returns whether to continue.
    /// The line is quoted (its first 300 bytes) and the reason given with their control characters
    /// escaped, so a line cannot forge other output. `truncated`: `line` is already only a prefix.
    private mutating func reject<Line: Collection>(line: Line, number: Int, reason: String, truncated: Bool = false) -> Bool
    where Line.Element == UInt8 {
        rejectedLines += 1
        out.flush()
        progress?.clear()
        var shown = TextEscaping.escaped(String(decoding: line.prefix(300), as: UTF8.self))
        if truncated || line.count > 300 { shown += "…" }
        let suffix = keepGoing ? ", skipping" : ", stopping"
        FileHandle.standardError.write(Data("pspctl watch: Could not read k8s audit event line #\(number), \"\(shown)\": \(TextEscaping.escaped(reason))\(suffix)\n".utf8))
        return keepGoing
    }

    private static func isBlank<Line: Collection>(_ line: Line) -> Bool where Line.Element == UInt8 {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A || $0 == 0x0B || $0 == 0x0C }
    }

    func printSummary(verbose: Bool) {
        // The warning first: the count stays the last line but for --verbose's statistics.
        var text = unjudgedPodRequestsWarning()
        text += "pspctl watch: \(lines) lines, \(events) events, \(alerts) alerts"
        if rejectedLines > 0 { text += ", \(rejectedLines) rejected lines" }
        text += "\n"
        if verbose {
            // Falco's end-of-run statistics; severities keyed by the priority as written in the rules file.
            var bySeverity: [String: Int] = [:]
            var byRule: [(String, Int)] = []
            for (index, count) in alertsByRule.enumerated() where count > 0 {
                bySeverity[engine.rules[index].prioritySpelling, default: 0] += count
                byRule.append((engine.rules[index].name, count))
            }
            text += "Events detected: \(alerts)\nRule counts by severity:\n"
            for (k, v) in bySeverity.sorted(by: { $0.key < $1.key }) { text += "   \(TextEscaping.escaped(k)): \(v)\n" }
            text += "Triggered rules by rule name:\n"
            for (k, v) in byRule.sorted(by: { $0.0 < $1.0 }) { text += "   \(TextEscaping.escaped(k)): \(v)\n" }
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}

extension AuditLogEvaluation {
    /// The end-of-run warning about pod-creating requests logged without their object, or "".
    func unjudgedPodRequestsWarning() -> String {
        guard unjudgedPodRequests > 0 else { return "" }
        let requests = unjudgedPodRequests == 1 ? "1 pod-creating request" : "\(unjudgedPodRequests) pod-creating requests"
        return "pspctl watch: warning: \(requests) (create, update or patch of a pod or a pod template) carried no "
            + "requestObject (audit level Metadata), so the rules about pod specs could not judge "
            + (unjudgedPodRequests == 1 ? "it" : "them")
            + "; log pods and their controllers at level Request in the audit policy\n"
    }
}

/// Pod Security Admission's judged requests (pods and pod controllers, create/update/patch, no
/// exempt subresource) seen in an audit event that holds no `requestObject` (audit level `Metadata`).
/// Events at stage `RequestReceived` are left out, so a request logged at two stages counts once.
struct PodCreatingRequest {
    private static let kinds: [String: [String]] = Dictionary(
        grouping: WorkloadKind.allCases, by: \.resource).mapValues { $0.map(\.apiGroup) }
    /// `ka.verb in (create, update, patch)`: the field the rules have read already for this event.
    private let judgedVerb: K8sCheck?

    init() {
        judgedVerb = try? K8sCheck(Comparison(field: "ka.verb", op: .in, values: PodSecurityAdmission.judgedVerbs),
                                   registry: RulesEngine.k8sFieldRegistry)
    }

    func lacksRequestObject(_ context: K8sEventContext) -> Bool {
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
enum RuleSourceCheck {
    /// The enabled k8s_audit rules that read a request's pod spec.
    static func podSpecRuleNames(_ engine: RulesEngine) -> [String] {
        let prefixes = ["ka.req.pod", "ka.req.container", "ka.req.volume", "ka.pss."]
        return engine.rules.filter { rule in
            rule.enabled && rule.source == .k8sAudit
                && rule.k8sConditionFieldNames.contains { name in prefixes.contains { name.hasPrefix($0) } }
        }.map(\.name)
    }

    /// A warning when no enabled rule has source k8s_audit (the log then cannot produce an alert), or nil.
    static func noAuditRulesWarning(_ engine: RulesEngine) -> String? {
        guard !engine.sources.contains(.k8sAudit) else { return nil }
        let rules = engine.rules
        let loaded: String
        if rules.isEmpty {
            loaded = "no rules are loaded"
        } else {
            let syscall = rules.filter { $0.source == .syscall }.count
            let disabled = rules.count - syscall
            var parts: [String] = []
            if syscall > 0 { parts.append("\(syscall) with source syscall") }
            if disabled > 0 { parts.append("\(disabled) disabled") }
            loaded = "\(rules.count) rules are loaded: " + parts.joined(separator: ", ")
        }
        return "warning: no loaded rule has source k8s_audit (\(loaded)); the audit log cannot produce alerts"
    }
}

/// A write buffer over a file descriptor (alerts can be many; one write per chunk, not per alert).
struct OutputBuffer {
    let fileDescriptor: Int32
    private var buffer: [UInt8] = []

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// One alert line (with its newline), rendered straight into the buffer.
    mutating func writeAlert(_ formatter: AlertFormatter, _ rule: borrowing CompiledRule, _ context: K8sEventContext) {
        formatter.write(rule, context, to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer[offset...].withUnsafeBytes { Foundation.write(fileDescriptor, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A one-line live count on a terminal's stderr, redrawn at most twice a second.
struct ProgressLine {
    private var lastDraw = ContinuousClock.now
    private var drawn = false

    mutating func update(_ text: String) {
        let now = ContinuousClock.now
        guard now - lastDraw >= .milliseconds(500) else { return }
        lastDraw = now
        drawn = true
        FileHandle.standardError.write(Data("\r\u{1B}[Kpspctl watch: \(text)".utf8))
    }

    mutating func clear() {
        guard drawn else { return }
        drawn = false
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
