import YAMLKit

/// Everything the first pass records, by name, across all files loaded so far (falco-rules.md §2.10).
struct RuleDefinitions {
    struct List {
        var items: [LuaValue]
        var context: String
    }
    struct Macro {
        var condition: String
        var context: String
    }
    struct Exception {
        var name: String
        /// A field name (single-field form) or a sequence of them (multi-field form).
        var fields: LuaValue
        var comps: LuaValue?
        var values: [YAMLNode]
    }
    struct Rule {
        var name: String
        var condition: String
        var output: String
        var description: String
        var priority: Priority
        /// The spelling written in the file (Falco's end-of-run statistics key).
        var prioritySpelling: String
        var source: String
        var tags: [String]
        var exceptions: [Exception]
        var enabled: Bool
        var skipIfUnknownFilter: Bool
        var warnEventTypes: Bool
        var context: String
    }

    var lists: [String: List] = [:]
    var listOrder = NameOrder()
    var macros: [String: Macro] = [:]
    var macroOrder = NameOrder()
    var rules: [String: Rule] = [:]
    var ruleOrder = NameOrder()
    /// Rules whose definitions were all below the minimum priority (Falco's "skipped rules" map).
    var skippedRules: Set<String> = []
    var requiredEngineVersion: Double?
}

/// Names in order of first registration, with constant-time membership (a file of 20,000 macros must
/// not compare each new name with every earlier one).
struct NameOrder: Sequence {
    private var names: [String] = []
    private var known: Set<String> = []

    func contains(_ name: String) -> Bool { known.contains(name) }

    /// Appends `name` unless it is already registered.
    mutating func register(_ name: String) {
        if known.insert(name).inserted { names.append(name) }
    }

    func makeIterator() -> IndexingIterator<[String]> { names.makeIterator() }
}
