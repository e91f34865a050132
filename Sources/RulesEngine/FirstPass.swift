import YAMLKit
import ConditionLanguage

/// Falco 0.31.1's engine version (falco-rules.md §2.4).
public let falcoEngineVersion = 11

/// Reads one rules file's items into the definitions, in order (falco-rules.md §2.2–§2.9, §5.2).
struct FirstPass {
    let source: RulesFileSource
    let minimumPriority: Priority
    let fields: FieldSources

    /// Rule items read so far (a file with none gets a warning: it cannot judge anything).
    private var ruleItems = 0

    init(source: RulesFileSource, minimumPriority: Priority, fields: FieldSources) {
        self.source = source
        self.minimumPriority = minimumPriority
        self.fields = fields
    }

    mutating func run(into defs: inout RuleDefinitions, warnings: inout [RulesLoadWarning]) throws(ItemError) {
        let documents: [YAMLNode]
        do {
            documents = try YAML.parseDocuments(source.text)
        } catch {
            throw ItemError(message: error.problem, context: source.yamlErrorContext(line: error.lastEventLine))
        }
        var itemIndex = 0
        for document in documents {
            let items: [YAMLNode]
            switch document {
            case .scalar(let s) where s.isPlain && (s.value.isEmpty || s.value == "~"):
                continue // an empty document (lyaml's null sentinel is an empty table)
            case .scalar:
                throw ItemError(message: "Rules content is not yaml", context: source.firstNonEmptyLine)
            case .mapping:
                throw ItemError(message: "Rules content is not yaml array of objects", context: source.firstNonEmptyLine)
            case .sequence(let elements, _):
                items = elements
            }
            for item in items {
                let context = source.context(ofItem: itemIndex)
                itemIndex += 1
                do {
                    try read(item, context: context, into: &defs, warnings: &warnings)
                } catch {
                    throw ItemError(message: error.message, context: error.context ?? context)
                }
            }
        }
        if ruleItems == 0 {
            warnings.append(RulesLoadWarning(message: "Rules file \(source.name) holds no rules: it cannot judge any event",
                                             isAboutMeaning: true))
        }
    }

    private mutating func read(_ item: YAMLNode, context: String, into defs: inout RuleDefinitions,
                      warnings: inout [RulesLoadWarning]) throws(ItemError) {
        let value = LuaValue(item)
        guard case .table(let node) = value, let pairs = node.mappingPairs else {
            if value.isTable {
                warnings.append(RulesLoadWarning(message: "Unknown top level object: \(describe(item))\n---\n\(context)---"))
                return
            }
            throw ItemError(message: "Unexpected element of type \(value.luaTypeName). Each element should be a yaml associative array.", context: context)
        }
        var keys: [String: LuaValue] = [:]
        for pair in pairs {
            if let key = pair.key.scalarText { keys[key] = LuaValue(pair.value) }
        }
        func truthy(_ key: String) -> Bool { keys[key]?.isTruthy ?? false }

        let kind = Self.itemKinds.first(where: { truthy($0.key) })
        defer {
            if let kind {
                for pair in pairs {
                    guard let key = pair.key.scalarText, !kind.keys.contains(key) else { continue }
                    warnings.append(unknownKeyWarning(key, kind: kind.key, name: keys[kind.key]?.text))
                }
            }
        }
        if truthy("required_engine_version") {
            guard case .number(let v) = keys["required_engine_version"]! else {
                throw ItemError(message: "Value of required_engine_version must be a number", context: context)
            }
            if Double(falcoEngineVersion) < v {
                throw ItemError(message: "Rules require engine version \(ConditionParser.formatNumber(v)), but engine version is \(falcoEngineVersion)", context: context)
            }
            defs.requiredEngineVersion = v
        } else if truthy("required_plugin_versions") {
            for entry in node["required_plugin_versions"]?.sequenceItems ?? [] {
                if entry["name"] == nil { throw ItemError(message: "required_plugin_versions item must have name property", context: context) }
                if entry["version"] == nil { throw ItemError(message: "required_plugin_versions item must have version property", context: context) }
            }
        } else if truthy("macro") {
            try readMacro(keys, context: context, into: &defs)
        } else if truthy("list") {
            try readList(keys, node: node, context: context, into: &defs)
        } else if truthy("rule") {
            ruleItems += 1
            try readRule(keys, node: node, context: context, into: &defs)
        } else {
            warnings.append(RulesLoadWarning(message: "Unknown top level object: \(describe(item))\n---\n\(context)---"))
        }
    }

    /// The item kinds in dispatch order (§2.3) and the keys Falco 0.31.1 reads in each (Appendix B).
    private static let itemKinds: [(key: String, keys: Set<String>)] = [
        ("required_engine_version", ["required_engine_version"]),
        ("required_plugin_versions", ["required_plugin_versions"]),
        ("macro", ["macro", "condition", "append", "source"]),
        ("list", ["list", "items", "append"]),
        ("rule", ["rule", "condition", "output", "desc", "priority", "source", "enabled", "tags", "exceptions",
                  "append", "skip-if-unknown-filter", "warn_evttypes"]),
    ]

    /// Falco ignores keys it does not know without a word; later Falco versions added keys such as
    /// `override` whose silent loss changes what a rule means, so pspctl names them.
    private func unknownKeyWarning(_ key: String, kind: String, name: String?) -> RulesLoadWarning {
        let bound = { (text: String) in LoaderLimits.bounded(text, to: LoaderLimits.quotedItemCharacters) }
        let item: String
        switch kind {
        case "rule", "macro", "list": item = kind.prefix(1).uppercased() + kind.dropFirst() + " " + bound(name ?? "")
        default: item = "The \(kind) item"
        }
        return RulesLoadWarning(message: "\(item) in \(source.name): unknown key '\(bound(key))' is ignored "
            + "(Falco 0.31.1 ignores keys it does not know; later Falco versions give some, such as 'override', a meaning)",
            isAboutMeaning: true)
    }

    private func readList(_ keys: [String: LuaValue], node: YAMLNode, context: String, into defs: inout RuleDefinitions) throws(ItemError) {
        guard let name = keys["list"]?.text, !(keys["list"]?.isTable ?? true) else {
            throw ItemError(message: "List name is empty", context: context)
        }
        defs.listOrder.register(name)
        guard let itemsValue = keys["items"] else {
            throw ItemError(message: "List must have property items", context: context)
        }
        let items: [LuaValue]
        switch itemsValue {
        case .table(let n): items = (n.sequenceItems ?? []).map(LuaValue.init)
        case .nullSentinel: items = []
        default: items = [itemsValue]
        }
        for item in items {
            switch item {
            case .string, .number: continue
            default:
                throw ItemError(message: "List \(name) has an item that is not a string or a number (\(item.luaTypeName))", context: context)
            }
        }
        if keys["append"]?.isTruthy ?? false {
            guard defs.lists[name] != nil else {
                throw ItemError(message: "List \(name) has 'append' key but no list by that name already exists", context: context)
            }
            defs.lists[name]!.items += items
        } else {
            defs.lists[name] = .init(items: items, context: context)
        }
    }

    private func readMacro(_ keys: [String: LuaValue], context: String, into defs: inout RuleDefinitions) throws(ItemError) {
        guard let name = keys["macro"]?.text else {
            throw ItemError(message: "Macro name is empty", context: context)
        }
        defs.macroOrder.register(name)
        guard let condition = keys["condition"]?.text else {
            throw ItemError(message: "Macro must have property condition", context: context)
        }
        if keys["append"]?.isTruthy ?? false {
            guard let existing = defs.macros[name] else {
                throw ItemError(message: "Macro \(name) has 'append' key but no macro by that name already exists", context: context)
            }
            defs.macros[name] = .init(condition: existing.condition + " " + condition, context: existing.context + "\n" + context)
        } else {
            defs.macros[name] = .init(condition: condition, context: context)
        }
    }

    private func readRule(_ keys: [String: LuaValue], node: YAMLNode, context: String, into defs: inout RuleDefinitions) throws(ItemError) {
        guard let name = keys["rule"]?.text else {
            throw ItemError(message: "Rule name is empty", context: context)
        }
        let source = keys["source"]?.text ?? "syscall"
        let isAppend = keys["append"]?.isTruthy ?? false
        let exceptionNodes = node["exceptions"]?.sequenceItems ?? []
        if !isAppend {
            for e in exceptionNodes { _ = try validatedException(e, source: source, isNew: false, context: context) }
        }
        if isAppend {
            try appendToRule(name, keys: keys, exceptionNodes: exceptionNodes, source: source, context: context, into: &defs)
            return
        }
        let required = ["condition", "output", "desc", "priority"]
        if let missing = required.first(where: { keys[$0] == nil }) {
            guard let enabled = keys["enabled"] else {
                throw ItemError(message: "Rule must have property \(missing)", context: context)
            }
            guard defs.rules[name] != nil else {
                throw ItemError(message: "Rule \(name) has 'enabled' key only, but no rule by that name already exists", context: context)
            }
            defs.rules[name]!.enabled = enabled != .boolean(false)
            return
        }
        let spelling = keys["priority"]!.text ?? ""
        guard let priority = Priority(spelling: spelling) else {
            throw ItemError(message: "Invalid priority level: \(spelling)", context: context)
        }
        if !priority.isAtLeast(minimumPriority) {
            if defs.rules[name] == nil { defs.skippedRules.insert(name) }
            return
        }
        defs.ruleOrder.register(name)
        defs.skippedRules.remove(name)
        var exceptions: [RuleDefinitions.Exception] = []
        for e in exceptionNodes {
            exceptions.append(try validatedException(e, source: source, isNew: false, context: context))
        }
        let tags = (node["tags"]?.sequenceItems ?? []).compactMap { LuaValue($0).text }
        defs.rules[name] = RuleDefinitions.Rule(
            name: name,
            condition: keys["condition"]!.text ?? "",
            output: trimmedSpaces(keys["output"]!.text ?? ""),
            description: keys["desc"]!.text ?? "",
            priority: priority,
            prioritySpelling: spelling,
            source: source,
            tags: tags,
            exceptions: exceptions,
            enabled: keys["enabled"] != .boolean(false),
            skipIfUnknownFilter: keys["skip-if-unknown-filter"] == .boolean(true),
            warnEventTypes: keys["warn_evttypes"] == nil || keys["warn_evttypes"] == .boolean(true),
            context: context)
    }

    private func appendToRule(_ name: String, keys: [String: LuaValue], exceptionNodes: [YAMLNode], source: String,
                              context: String, into defs: inout RuleDefinitions) throws(ItemError) {
        guard var rule = defs.rules[name] else {
            if defs.skippedRules.contains(name) { return }
            throw ItemError(message: "Rule \(name) has 'append' key but no rule by that name already exists", context: context)
        }
        if keys["condition"] == nil && exceptionNodes.isEmpty {
            throw ItemError(message: "Appended rule must have exceptions or condition property", context: context)
        }
        for node in exceptionNodes {
            guard let ename = node["name"].map(LuaValue.init)?.text else {
                throw ItemError(message: "Rule exception item must have name property", context: context)
            }
            if rule.exceptions.contains(where: { $0.name == ename }) {
                if node["fields"] != nil {
                    throw ItemError(message: "Can not append exception fields to existing rule, only values", context: context)
                }
                if node["comps"] != nil {
                    throw ItemError(message: "Can not append exception comps to existing rule, only values", context: context)
                }
                let values = node["values"]?.sequenceItems ?? []
                for i in rule.exceptions.indices where rule.exceptions[i].name == ename {
                    rule.exceptions[i].values += values
                }
            } else {
                if node["fields"] == nil {
                    throw ItemError(message: "Rule exception new item \(ename): must have fields property with a list of fields", context: context)
                }
                if node["values"] == nil {
                    throw ItemError(message: "Rule exception new item \(ename): must have values property with a list of values", context: context)
                }
                rule.exceptions.append(try validatedException(node, source: rule.source, isNew: true, context: context))
            }
        }
        if let condition = keys["condition"]?.text { rule.condition += " " + condition }
        rule.context += "\n" + context
        defs.rules[name] = rule
    }

    private static let exceptionOperators: Set<String> = [
        "=", "==", "!=", "<=", ">=", "<", ">", "contains", "icontains", "glob", "startswith", "endswith",
        "in", "intersects", "pmatch",
    ]

    /// Validates one exception object (falco-rules.md §5.2).
    private func validatedException(_ node: YAMLNode, source: String, isNew: Bool, context: String) throws(ItemError) -> RuleDefinitions.Exception {
        guard let ename = node["name"].map(LuaValue.init)?.text else {
            throw ItemError(message: "Rule exception item must have name property", context: context)
        }
        guard let fieldsNode = node["fields"] else {
            throw ItemError(message: "Rule exception item \(ename): must have fields property with a list of fields", context: context)
        }
        let fieldsValue = LuaValue(fieldsNode)
        let comps = node["comps"].map(LuaValue.init)
        if let fieldNames = fieldsNode.sequenceItems {
            let names = fieldNames.map { LuaValue($0).text ?? "" }
            if let comps, (comps.tableItems?.count ?? -1) != names.count {
                throw ItemError(message: "Rule exception item \(ename): fields and comps lists must have equal length", context: context)
            }
            for field in names where !fields.isKnownField(field, source: source) {
                throw ItemError(message: "Rule exception item \(ename): field name \(field) is not a supported filter field", context: context)
            }
            for comp in comps?.tableItems?.map({ LuaValue($0).text ?? "" }) ?? [] where !Self.exceptionOperators.contains(comp) {
                throw ItemError(message: "Rule exception item \(ename): comparison operator \(comp) is not a supported comparison operator", context: context)
            }
        } else {
            if let comps, comps.text == nil || fieldsValue.text == nil || comps.isNumberValue || fieldsValue.isNumberValue {
                throw ItemError(message: "Rule exception item \(ename): fields and comps must both be strings", context: context)
            }
            let field = fieldsValue.text ?? ""
            if !fields.isKnownField(field, source: source) {
                throw ItemError(message: "Rule exception item \(ename): field name \(field) is not a supported filter field", context: context)
            }
            let comp = comps?.text ?? "in"
            if !Self.exceptionOperators.contains(comp) {
                throw ItemError(message: "Rule exception item \(ename): comparison operator \(comp) is not a supported comparison operator", context: context)
            }
        }
        return .init(name: ename, fields: fieldsValue, comps: comps, values: node["values"]?.sequenceItems ?? [])
    }

    /// Falco trims only space characters from outputs (so folded `>` outputs lose their newline).
    private func trimmedSpaces(_ text: String) -> String {
        // Bytewise, as C's isspace: a CRLF is two spaces here (it is one Swift Character).
        let isSpace = { (byte: UInt8) in byte == 0x20 || (0x09...0x0D).contains(byte) }
        guard let first = text.utf8.firstIndex(where: { !isSpace($0) }),
              let last = text.utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[first...last])
    }

    /// The item as the warning quotes it, its first `LoaderLimits.quotedItemCharacters` characters at
    /// most: rendering stops there, so an alias-expanded tree of 10⁹ nodes is never walked.
    private func describe(_ node: YAMLNode) -> String {
        enum Piece { case node(YAMLNode), text(String) }
        let limit = LoaderLimits.quotedItemCharacters
        var out = ""
        var pending: [Piece] = [.node(node)]
        while let piece = pending.popLast(), out.utf8.count <= limit {
            switch piece {
            case .text(let text): out += text
            case .node(.scalar(let s)): out += "\"\(s.value)\""
            case .node(.sequence(let items, _)):
                out += "{"
                pending.append(.text("}"))
                for (index, item) in items.enumerated().reversed() {
                    pending.append(.node(item))
                    if index > 0 { pending.append(.text(",")) }
                }
            case .node(.mapping(let pairs, _)):
                out += "{"
                pending.append(.text("}"))
                for (index, pair) in pairs.enumerated().reversed() {
                    pending.append(.node(pair.value))
                    pending.append(.text("\(pair.key.scalarText ?? "?")="))
                    if index > 0 { pending.append(.text(",")) }
                }
            }
        }
        let text = LoaderLimits.bounded(out, to: limit)
        return pending.isEmpty || text.count < out.count ? text : text + "…"
    }
}

extension LuaValue {
    var tableItems: [YAMLNode]? {
        if case .table(let node) = self { return node.sequenceItems }
        return nil
    }
    var isNumberValue: Bool {
        if case .number = self { return true }
        return false
    }
}
