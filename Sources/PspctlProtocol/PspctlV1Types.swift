import CPspctlProtos

// pspctl/v1/types.proto

extension PspctlV1 {
    /// Falco's eight rule priorities, most severe first; `unspecified` (0) means "every rule" in a filter.
    public struct Priority: ProtocolEnum, CustomStringConvertible {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Priority(rawValue: 0)
        public static let emergency = Priority(rawValue: 1)
        public static let alert = Priority(rawValue: 2)
        public static let critical = Priority(rawValue: 3)
        public static let error = Priority(rawValue: 4)
        public static let warning = Priority(rawValue: 5)
        public static let notice = Priority(rawValue: 6)
        public static let informational = Priority(rawValue: 7)
        public static let debug = Priority(rawValue: 8)
        public static let named: [Priority] = [.emergency, .alert, .critical, .error, .warning, .notice, .informational, .debug]

        /// The name Falco prints (`Warning` …), `Unspecified`, or the number of a value this version does not know.
        public var description: String {
            switch rawValue {
            case 0: return "Unspecified"
            case 1: return "Emergency"
            case 2: return "Alert"
            case 3: return "Critical"
            case 4: return "Error"
            case 5: return "Warning"
            case 6: return "Notice"
            case 7: return "Informational"
            case 8: return "Debug"
            default: return "Priority(\(rawValue))"
            }
        }
    }

    /// The operators of Falco 0.31.1's condition grammar.
    public struct ComparisonOperator: ProtocolEnum, CustomStringConvertible {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = ComparisonOperator(rawValue: 0)
        public static let equal = ComparisonOperator(rawValue: 1)
        public static let notEqual = ComparisonOperator(rawValue: 2)
        public static let less = ComparisonOperator(rawValue: 3)
        public static let lessOrEqual = ComparisonOperator(rawValue: 4)
        public static let greater = ComparisonOperator(rawValue: 5)
        public static let greaterOrEqual = ComparisonOperator(rawValue: 6)
        public static let contains = ComparisonOperator(rawValue: 7)
        public static let icontains = ComparisonOperator(rawValue: 8)
        public static let startswith = ComparisonOperator(rawValue: 9)
        public static let endswith = ComparisonOperator(rawValue: 10)
        public static let glob = ComparisonOperator(rawValue: 11)
        public static let `in` = ComparisonOperator(rawValue: 12)
        public static let intersects = ComparisonOperator(rawValue: 13)
        public static let pmatch = ComparisonOperator(rawValue: 14)
        public static let exists = ComparisonOperator(rawValue: 15)

        private static let spellings = ["", "=", "!=", "<", "<=", ">", ">=", "contains", "icontains", "startswith",
                                        "endswith", "glob", "in", "intersects", "pmatch", "exists"]

        /// The operator as Falco spells it in a condition (the spelling of ConditionLanguage's
        /// `ComparisonOperator.rawValue`); nil for `unspecified` and unknown values.
        public var spelling: String? {
            rawValue >= 1 && Int(rawValue) < Self.spellings.count ? Self.spellings[Int(rawValue)] : nil
        }

        /// The operator spelled `spelling` in a condition.
        public init?(spelling: String) {
            guard !spelling.isEmpty, let index = Self.spellings.firstIndex(of: spelling) else { return nil }
            rawValue = Int32(index)
        }

        /// `in`, `intersects` and `pmatch` take a parenthesised list.
        public var takesList: Bool { self == .in || self == .intersects || self == .pmatch }

        public var description: String { spelling ?? "ComparisonOperator(\(rawValue))" }
    }

    /// A condition with macros and lists expanded. `node == nil` is a message with no member set (invalid
    /// in a compiled rule set, but it decodes).
    public struct Expression: ProtocolMessage, CMessage {
        public indirect enum Node: Sendable, Equatable {
            case conjunction(Conjunction)
            case disjunction(Disjunction)
            case negation(Negation)
            case comparison(Comparison)
        }
        public var node: Node?

        public init(node: Node? = nil) { self.node = node }

        /// `a and b and …`
        public static func and(_ operands: [Expression]) -> Expression { Expression(node: .conjunction(Conjunction(operands: operands))) }
        /// `a or b or …`
        public static func or(_ operands: [Expression]) -> Expression { Expression(node: .disjunction(Disjunction(operands: operands))) }
        /// `not a`
        public static func not(_ operand: Expression) -> Expression { Expression(node: .negation(Negation(operand: operand))) }
        /// `field op values`
        public static func compare(_ field: String, _ op: ComparisonOperator, _ values: [String]) -> Expression {
            Expression(node: .comparison(Comparison(field: field, operator: op, values: values, valuesIsList: op.takesList)))
        }

        public static let protoMessageName = "pspctl.v1.Expression"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            if let m = r.message(1, Conjunction.self) { node = .conjunction(m) }
            else if let m = r.message(2, Disjunction.self) { node = .disjunction(m) }
            else if let m = r.message(3, Negation.self) { node = .negation(m) }
            else if let m = r.message(4, Comparison.self) { node = .comparison(m) }
        }
        func write(to w: MessageWriter) {
            switch node {
            case .conjunction(let m): w.message(1, m)
            case .disjunction(let m): w.message(2, m)
            case .negation(let m): w.message(3, m)
            case .comparison(let m): w.message(4, m)
            case nil: break
            }
        }
    }

    public struct Conjunction: ProtocolMessage, CMessage {
        public var operands: [Expression]
        public init(operands: [Expression] = []) { self.operands = operands }

        public static let protoMessageName = "pspctl.v1.Conjunction"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) { operands = r.messages(1) }
        func write(to w: MessageWriter) { w.messages(1, operands) }
    }

    public struct Disjunction: ProtocolMessage, CMessage {
        public var operands: [Expression]
        public init(operands: [Expression] = []) { self.operands = operands }

        public static let protoMessageName = "pspctl.v1.Disjunction"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) { operands = r.messages(1) }
        func write(to w: MessageWriter) { w.messages(1, operands) }
    }

    public struct Negation: ProtocolMessage, CMessage {
        /// Required in a compiled rule set.
        public var operand: Expression?
        public init(operand: Expression? = nil) { self.operand = operand }

        public static let protoMessageName = "pspctl.v1.Negation"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) { operand = r.message(1) }
        func write(to w: MessageWriter) { w.message(1, operand) }
    }

    public struct Comparison: ProtocolMessage, CMessage {
        public var field: String
        public var `operator`: ComparisonOperator
        /// One value for relational operators, the list for `in`/`intersects`/`pmatch`, none for `exists`.
        public var values: [String]
        /// The operand was a parenthesised list (agrees with `operator.takesList` in a valid set).
        public var valuesIsList: Bool

        public init(field: String = "", operator: ComparisonOperator = .unspecified, values: [String] = [], valuesIsList: Bool = false) {
            self.field = field
            self.operator = `operator`
            self.values = values
            self.valuesIsList = valuesIsList
        }

        public static let protoMessageName = "pspctl.v1.Comparison"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            field = r.string(1)
            self.operator = ComparisonOperator(rawValue: r.enumValue(2))
            values = r.strings(3)
            valuesIsList = r.bool(4)
        }
        func write(to w: MessageWriter) {
            w.string(1, field)
            w.enumValue(2, self.operator.rawValue)
            w.strings(3, values)
            w.bool(4, valuesIsList)
        }
    }

    public struct CompiledRule: ProtocolMessage, CMessage {
        public var name: String
        public var description: String
        public var priority: Priority
        /// The priority as spelled in the rules file.
        public var prioritySpelling: String
        /// `k8s_audit` or `syscall`.
        public var source: String
        /// Sorted, de-duplicated.
        public var tags: [String]
        public var output: String
        public var enabled: Bool
        public var condition: Expression?

        public init(name: String = "", description: String = "", priority: Priority = .unspecified, prioritySpelling: String = "",
                    source: String = "", tags: [String] = [], output: String = "", enabled: Bool = false, condition: Expression? = nil) {
            self.name = name
            self.description = description
            self.priority = priority
            self.prioritySpelling = prioritySpelling
            self.source = source
            self.tags = tags
            self.output = output
            self.enabled = enabled
            self.condition = condition
        }

        public static let protoMessageName = "pspctl.v1.CompiledRule"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            name = r.string(1)
            description = r.string(2)
            priority = Priority(rawValue: r.enumValue(3))
            prioritySpelling = r.string(4)
            source = r.string(5)
            tags = r.strings(6)
            output = r.string(7)
            enabled = r.bool(8)
            condition = r.message(9)
        }
        func write(to w: MessageWriter) {
            w.string(1, name)
            w.string(2, description)
            w.enumValue(3, priority.rawValue)
            w.string(4, prioritySpelling)
            w.string(5, source)
            w.strings(6, tags)
            w.string(7, output)
            w.bool(8, enabled)
            w.message(9, condition)
        }
    }

    public struct CompiledRuleSet: ProtocolMessage, CMessage {
        /// Lower-case hex SHA-256 of the set's canonical form.
        public var id: String
        /// Byte-identical to `pspctl convert`'s file.
        public var rulesYAML: String
        public var rules: [CompiledRule]
        public var warnings: [String]
        /// The conversion's summary lines, as `pspctl convert` prints them (without newlines).
        public var summary: [String]

        public init(id: String = "", rulesYAML: String = "", rules: [CompiledRule] = [], warnings: [String] = [],
                    summary: [String] = []) {
            self.id = id
            self.rulesYAML = rulesYAML
            self.rules = rules
            self.warnings = warnings
            self.summary = summary
        }

        public static let protoMessageName = "pspctl.v1.CompiledRuleSet"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            id = r.string(1)
            rulesYAML = r.string(2)
            rules = r.messages(3)
            warnings = r.strings(4)
            summary = r.strings(5)
        }
        func write(to w: MessageWriter) {
            w.string(1, id)
            w.string(2, rulesYAML)
            w.messages(3, rules)
            w.strings(4, warnings)
            w.strings(5, summary)
        }
    }
}
