import Foundation
import K8sAuditFields
import PodSecurity
import SyscallFields

/// Falco 0.31.1's rules engine: loads rules files in order into one state, compiles them, and finds the
/// rule an event triggers. Loading is not thread-safe; evaluation of a loaded engine is read-only.
public final class RulesEngine: @unchecked Sendable {
    public struct Options: Sendable {
        /// Rules less severe than this are not loaded at all (Falco's `priority` setting).
        public var minimumPriority: Priority = .debug
        /// Alert time prefix `%jevt.time.iso8601` instead of `%jevt.time`.
        public var timeFormatISO8601 = false
        public init() {}
    }

    /// Falco's fields plus pspctl's Pod Security Standards fields.
    public static let k8sFieldRegistry = K8sFieldRegistry.falco.adding(PodSecurityFields.definitions)

    public let options: Options
    private var definitions = RuleDefinitions()
    let fields: FieldSources
    /// Every loaded rule, in evaluation order (order of first definition).
    public private(set) var rules: [CompiledRule] = []
    /// What evaluating an audit event needs, replaced as a whole by each load.
    private var k8sPlan = K8sEvaluationPlan(program: K8sFilterProgram([]), entryRule: [], rules: [])
    /// What evaluating a syscall event needs (the rules indexed by event type), replaced by each load.
    private var syscallPlan = SyscallEvaluationPlan(rules: [])

    public init(options: Options = Options()) {
        self.options = options
        self.fields = FieldSources(k8s: Self.k8sFieldRegistry)
    }

    /// Loads a rules file from disk. A directory loads every regular file in it, sorted by path.
    @discardableResult
    public func load(path: String) throws(RulesLoadError) -> [RulesLoadWarning] {
        var warnings: [RulesLoadWarning] = []
        for file in try Self.rulesFilePaths(path) {
            warnings += try load(text: Self.readRulesFile(file), name: file)
        }
        return warnings
    }

    /// The files `load(path:)` loads for `path`, in order: the file itself, or every regular file of a
    /// directory (recursively), sorted by path. A path that does not exist is a read error.
    public static func rulesFilePaths(_ path: String) throws(RulesLoadError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RulesLoadError(file: path, message: "Could not open rules filename \(path) for reading: no such file",
                                 context: nil, isReadError: true)
        }
        guard isDirectory.boolValue else { return [path] }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        var files: [String] = []
        for entry in entries.map({ path + "/" + $0 }).sorted() {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: entry, isDirectory: &isDir), !isDir.boolValue {
                files += try rulesFilePaths(entry)
            }
        }
        return files
    }

    /// The text of one rules file (`rulesFilePaths`); a file that cannot be read is a read error.
    public static func readRulesFile(_ path: String) throws(RulesLoadError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RulesLoadError(file: path, message: "Could not open rules filename \(path) for reading", context: nil,
                                 isReadError: true)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Loads rules text, then recompiles everything loaded so far (as Falco does per file).
    @discardableResult
    public func load(text: String, name: String) throws(RulesLoadError) -> [RulesLoadWarning] {
        var warnings: [RulesLoadWarning] = []
        var next = definitions
        do {
            var firstPass = FirstPass(source: RulesFileSource(name: name, text: text),
                                      minimumPriority: options.minimumPriority, fields: fields)
            try firstPass.run(into: &next, warnings: &warnings)
            var pass = SecondPass(definitions: next, fields: fields, timeFormatISO8601: options.timeFormatISO8601)
            let output = try pass.run()
            warnings += output.warnings
            definitions = next
            install(output.rules)
        } catch {
            throw RulesLoadError(file: name, message: error.message, context: error.context)
        }
        return warnings
    }

    /// Makes `compiled` the engine's rules and builds their evaluation plan.
    func install(_ compiled: [CompiledRule]) {
        rules = compiled
        var filters: [Filter] = []
        var entryRule: [Int] = []
        for (index, rule) in rules.enumerated() where rule.source == .k8sAudit && rule.enabled {
            guard let filter = rule.filter else { continue }
            filters.append(filter)
            entryRule.append(index)
        }
        k8sPlan = K8sEvaluationPlan(program: K8sFilterProgram(filters), entryRule: entryRule, rules: rules)
        syscallPlan = SyscallEvaluationPlan(rules: rules)
    }

    /// The `required_engine_version` of the last file that declared one.
    public var requiredEngineVersion: Double? { definitions.requiredEngineVersion }
    public var listCount: Int { definitions.lists.count }
    /// The sources of the enabled rules loaded so far: a run whose input source is not among them
    /// judges nothing.
    public var sources: Set<EventSource> { Set(rules.lazy.filter(\.enabled).map(\.source)) }
    public var macroCount: Int { definitions.macros.count }

    /// The rules an audit event triggers: the first enabled matching rule in definition order (Falco's
    /// one alert per event), or every matching rule with `allMatches`.
    public func matches(for context: K8sEventContext, allMatches: Bool = false) throws(K8sEvaluationError) -> [CompiledRule] {
        var found: [CompiledRule] = []
        try forEachMatch(for: context, allMatches: allMatches) { _, rule in found.append(copy rule) }
        return found
    }

    /// Calls `body` with each rule the event triggers and its index in `rules`, in order, without
    /// collecting them (the hot path).
    public func forEachMatch(for context: K8sEventContext, allMatches: Bool = false,
                             _ body: (_ index: Int, _ rule: borrowing CompiledRule) -> Void) throws(K8sEvaluationError) {
        try k8sPlan.forEachMatch(for: context, allMatches: allMatches, body)
    }

    /// The rules a syscall event triggers (syscall-fields.md §6.6): the rules indexed under its event type
    /// in load order, then those with an empty event-type set; the first match only, or every one with
    /// `allMatches`. An event Falco skips by default (§4.6) triggers nothing unless `allEvents` (Falco `-A`).
    public func matches(for event: SensorEvent, allMatches: Bool = false, allEvents: Bool = false) -> [CompiledRule] {
        var found: [CompiledRule] = []
        forEachMatch(for: event, allMatches: allMatches, allEvents: allEvents) { _, rule in found.append(copy rule) }
        return found
    }

    /// `matches(for:)` without collecting: `body` gets each rule and its index in `rules`, in order.
    public func forEachMatch(for event: SensorEvent, allMatches: Bool = false, allEvents: Bool = false,
                             _ body: (_ index: Int, _ rule: borrowing CompiledRule) -> Void) {
        syscallPlan.forEachMatch(for: event, allMatches: allMatches, allEvents: allEvents, body)
    }
}

/// The k8s_audit filters of all rules as one program, which entry belongs to which rule, and the rules.
/// Immutable, so evaluating an event borrows all of it instead of copying the engine's mutable state.
private final class K8sEvaluationPlan: Sendable {
    let program: K8sFilterProgram
    /// Rule index (in `rules`) of each program entry.
    let entryRule: [Int]
    /// The program entries to evaluate, in evaluation order.
    let enabledEntries: [Int]
    let rules: [CompiledRule]

    init(program: K8sFilterProgram, entryRule: [Int], rules: [CompiledRule]) {
        self.program = program
        self.entryRule = entryRule
        self.enabledEntries = Array(entryRule.indices)
        self.rules = rules
    }

    func forEachMatch(for context: K8sEventContext, allMatches: Bool,
                      _ body: (_ index: Int, _ rule: borrowing CompiledRule) -> Void) throws(K8sEvaluationError) {
        try rules.withUnsafeBufferPointer { (rules) throws(K8sEvaluationError) in
            try program.evaluate(entries: enabledEntries, in: context) { entry in
                let index = entryRule[entry]
                body(index, rules[index])
                return allMatches
            }
        }
    }
}
