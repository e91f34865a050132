import ConditionLanguage
import K8sAuditFields
import SyscallFields
import YAMLKit

/// Compiles everything loaded so far: lists, then macros, then rules, each in order of first
/// definition (falco-rules.md §3–§7, §10.5, §11).
struct SecondPass {
    let definitions: RuleDefinitions
    let fields: FieldSources
    let timeFormatISO8601: Bool

    struct Output {
        var rules: [CompiledRule] = []
        var warnings: [RulesLoadWarning] = []
    }

    private var lists = ListTable()
    private var macros = MacroTable()

    init(definitions: RuleDefinitions, fields: FieldSources, timeFormatISO8601: Bool) {
        self.definitions = definitions
        self.fields = fields
        self.timeFormatISO8601 = timeFormatISO8601
    }

    mutating func run() throws(ItemError) -> Output {
        var output = Output()
        lists = try ListTable(definitions)
        try compileMacros()
        for name in definitions.ruleOrder {
            guard let rule = definitions.rules[name] else { continue }
            if let compiled = try compile(rule, warnings: &output.warnings) { output.rules.append(compiled) }
        }
        for name in definitions.macroOrder where definitions.macros[name] != nil && !macros.used.contains(name) {
            output.warnings.append(RulesLoadWarning(message: "macro \(name) not refered to by any rule/macro"))
        }
        for name in definitions.listOrder where definitions.lists[name] != nil && !lists.used.contains(name) {
            output.warnings.append(RulesLoadWarning(message: "list \(name) not refered to by any rule/macro/list"))
        }
        return output
    }

    static func quoted(_ item: String) -> String { ListTable.quoted(item) }

    // MARK: Macros (§4)

    private mutating func compileMacros() throws(ItemError) {
        for name in definitions.macroOrder {
            guard let macro = definitions.macros[name] else { continue }
            let text = try lists.substitute(macro.condition, owner: "Macro \(name)", context: macro.context)
            let tree = try parse(text, context: macro.context)
            // A macro may only use macros whose first definition comes earlier.
            // (Not a copy of the table: one would be copied whole by the next change, at every macro.)
            if let message = ConditionParser.firstUndefinedMacro(in: tree, isDefined: { self.macros.isDefined($0) }) {
                throw ItemError(message: "Compilation error when compiling \"\(Self.quotedCondition(text))\": \(message)",
                                context: macro.context)
            }
            macros.define(name, tree: tree)
        }
    }

    /// Parses a macro's or rule's condition text (lists already substituted), worded as Falco reports it.
    private func parse(_ text: String, context: String) throws(ItemError) -> ConditionNode {
        do throws(ConditionSyntaxError) {
            // Falco's loader crashes on an empty condition (a Lua runtime error); pspctl says what is wrong.
            guard let tree = try ConditionParser.parse(text) else {
                throw ConditionSyntaxError(position: 1, message: "the condition is empty")
            }
            return tree
        } catch {
            throw ItemError(message: "Compilation error when compiling \"\(Self.quotedCondition(text))\": \(error.message)",
                            context: context)
        }
    }

    /// Falco quotes the whole condition; a hostile one (400 KB) is quoted by its beginning only.
    private static func quotedCondition(_ text: String) -> String {
        LoaderLimits.bounded(text, to: LoaderLimits.quotedConditionCharacters)
    }

    /// The rule's tree with its macros expanded (§4), refused when it passes the size or depth limit.
    private func expandMacros(_ tree: ConditionNode, rule: RuleDefinitions.Rule) throws(ItemError) -> ConditionNode {
        let shape = macros.shape(of: tree)
        if shape.nodes > LoaderLimits.maximumExpandedNodes {
            throw ItemError(message: "Rule \(rule.name): the condition has more than \(LoaderLimits.maximumExpandedNodes) "
                + "nodes once its macros are expanded (pspctl's limit per rule)", context: rule.context)
        }
        if shape.depth > LoaderLimits.maximumExpandedDepth {
            throw ItemError(message: "Rule \(rule.name): the condition nests more than \(LoaderLimits.maximumExpandedDepth) "
                + "levels of and/or/not once its macros are expanded (pspctl's limit per rule)", context: rule.context)
        }
        return macros.expand(tree)
    }

    // MARK: Rules (§5, §7)

    private mutating func compile(_ rule: RuleDefinitions.Rule, warnings: inout [RulesLoadWarning]) throws(ItemError) -> CompiledRule? {
        var text = rule.condition
        var fragments: [String] = []
        for exception in rule.exceptions {
            if let fragment = try exceptionFragment(exception, context: rule.context) { fragments.append(fragment) }
        }
        if !fragments.isEmpty {
            text = "(" + text + ") " + fragments.map { " and not " + $0 }.joined()
        }
        text = try lists.substitute(text, owner: "Rule \(rule.name)", context: rule.context)
        let parsed = try parse(text, context: rule.context)
        if let message = ConditionParser.firstUndefinedMacro(in: parsed, isDefined: { self.macros.isDefined($0) }) {
            throw ItemError(message: message, context: rule.context)
        }
        macros.markUsed(in: parsed)
        let tree = try expandMacros(parsed, rule: rule)

        guard let source = EventSource(rawValue: rule.source) else {
            warnings.append(RulesLoadWarning(message: "Rule \(rule.name): warning (unknown-source): unknown source \(rule.source), skipping"))
            return nil
        }
        var filter: Filter?
        do {
            filter = try FilterBuilder(fields: fields).build(tree, source: source)
        } catch {
            if rule.skipIfUnknownFilter, error.message.contains("filter_check called with nonexistent field") {
                warnings.append(RulesLoadWarning(message: "Rule \(rule.name): warning (unknown-field):"))
                filter = nil
            } else {
                throw ItemError(message: "Rule \(rule.name): error \(error.message)", context: rule.context)
            }
        }
        if source == .syscall, rule.warnEventTypes, filter != nil,
           SyscallEventTypes.tooMany(SyscallEventTypes.set(for: tree)) {
            warnings.append(RulesLoadWarning(message: "Rule \(rule.name): warning (no-evttype):\n         matches too many evt.type values.\n         This has a significant performance penalty."))
        }
        let alertFormat: AlertFormats
        do {
            alertFormat = try OutputValidator.validate(output: rule.output, priority: rule.priority, source: source,
                                                       fields: fields, timeFormatISO8601: timeFormatISO8601)
        } catch {
            throw ItemError(message: error.message, context: rule.context)
        }
        return CompiledRule(
            name: rule.name, description: rule.description, priority: rule.priority,
            prioritySpelling: rule.prioritySpelling, source: source,
            tags: Array(Set(rule.tags)).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }),
            output: rule.output, enabled: rule.enabled && filter != nil, condition: filter == nil ? nil : tree,
            filter: filter, k8sAlertFormat: alertFormat.k8s, syscallAlertFormat: alertFormat.syscall)
    }

    // MARK: Exceptions (§5.3)

    private func exceptionFragment(_ e: RuleDefinitions.Exception, context: String) throws(ItemError) -> String? {
        guard !e.values.isEmpty else { return nil }
        if let fieldNodes = e.fields.tableItems {
            let fieldNames = fieldNodes.map { LuaValue($0).text ?? "" }
            let comps = e.comps?.tableItems?.map { LuaValue($0).text ?? "" } ?? Array(repeating: "=", count: fieldNames.count)
            var rows: [String] = []
            for row in e.values {
                let elements = row.sequenceItems ?? [row]
                guard elements.count == fieldNames.count else {
                    throw ItemError(message: "Exception item \(e.name): fields and values lists must have equal length", context: context)
                }
                var terms: [String] = []
                for (i, element) in elements.enumerated() {
                    let comp = comps[i]
                    let value: String
                    if let items = element.sequenceItems {
                        value = "(" + items.map { Self.quoted(LuaValue($0).text ?? "") }.joined(separator: ", ") + ")"
                    } else {
                        let text = LuaValue(element).text ?? ""
                        if ["in", "intersects", "pmatch"].contains(comp) {
                            value = text.hasPrefix("(") ? text : "(" + text + ")"
                        } else {
                            value = Self.quoted(text)
                        }
                    }
                    terms.append(fieldNames[i] + " " + comp + " " + value)
                }
                rows.append("(" + terms.joined(separator: " and ") + ")")
            }
            return "(" + rows.joined(separator: " or ") + ")"
        }
        let field = e.fields.text ?? ""
        let comp = e.comps?.text ?? "in"
        var values: [String] = []
        for v in e.values {
            guard case .string(let text) = LuaValue(v) else {
                throw ItemError(message: "Expected values array for item \(e.name) to contain a list of strings", context: context)
            }
            values.append(Self.quoted(text))
        }
        return "(" + field + " " + comp + " (" + values.joined(separator: ", ") + "))"
    }
}
