import CPspctlProtos

// pspctl/v1/evaluator.proto

extension PspctlV1 {
    public struct LoadRuleSetRequest: ProtocolMessage, CMessage {
        public enum Source: Sendable, Equatable {
            /// A set made by Converter/Convert (validated by the evaluator, never trusted blindly).
            case compiled(CompiledRuleSet)
            /// Plain Falco rules files, in load order.
            case files(RulesFiles)
        }
        public var source: Source?
        /// Part of the id.
        public var options: LoadOptions?

        public init(source: Source? = nil, options: LoadOptions? = nil) {
            self.source = source
            self.options = options
        }

        public static let protoMessageName = "pspctl.v1.LoadRuleSetRequest"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            if let m = r.message(1, CompiledRuleSet.self) { source = .compiled(m) }
            else if let m = r.message(2, RulesFiles.self) { source = .files(m) }
            options = r.message(3)
        }
        func write(to w: MessageWriter) {
            switch source {
            case .compiled(let m): w.message(1, m)
            case .files(let m): w.message(2, m)
            case nil: break
            }
            w.message(3, options)
        }
    }

    public struct RulesFiles: ProtocolMessage, CMessage {
        /// In load order.
        public var files: [RulesFile]
        public init(files: [RulesFile] = []) { self.files = files }

        public static let protoMessageName = "pspctl.v1.RulesFiles"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) { files = r.messages(1) }
        func write(to w: MessageWriter) { w.messages(1, files) }
    }

    public struct RulesFile: ProtocolMessage, CMessage {
        /// Path or name, used in messages.
        public var name: String
        public var yaml: String

        public init(name: String = "", yaml: String = "") {
            self.name = name
            self.yaml = yaml
        }

        public static let protoMessageName = "pspctl.v1.RulesFile"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            name = r.string(1)
            yaml = r.string(2)
        }
        func write(to w: MessageWriter) {
            w.string(1, name)
            w.string(2, yaml)
        }
    }

    public struct LoadOptions: ProtocolMessage, CMessage, Hashable {
        /// Rules less severe are not loaded; `unspecified` loads all.
        public var minPriority: Priority
        /// Alert times as ISO 8601 UTC.
        public var iso8601Time: Bool

        public init(minPriority: Priority = .unspecified, iso8601Time: Bool = false) {
            self.minPriority = minPriority
            self.iso8601Time = iso8601Time
        }

        public static let protoMessageName = "pspctl.v1.LoadOptions"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            minPriority = Priority(rawValue: r.enumValue(1))
            iso8601Time = r.bool(2)
        }
        func write(to w: MessageWriter) {
            w.enumValue(1, minPriority.rawValue)
            w.bool(2, iso8601Time)
        }
    }

    public struct LoadRuleSetResponse: ProtocolMessage, CMessage {
        public var id: String
        public var ruleCount: UInt32
        public var warnings: [String]
        /// Nothing was compiled: the set was cached already.
        public var alreadyCached: Bool
        /// Indexes into `warnings` of pspctl's own warnings (shown without `--verbose`).
        public var notableWarnings: [UInt32]
        /// Non-empty when no enabled rule has source k8s_audit.
        public var noK8sAuditRulesWarning: String
        /// Every loaded rule, in evaluation order.
        public var rules: [RuleInfo]
        /// Non-empty when no enabled rule has source syscall.
        public var noSyscallRulesWarning: String
        /// Non-empty when enabled syscall rules name event types skipped by default.
        public var ignoredEventTypesWarning: String

        public init(id: String = "", ruleCount: UInt32 = 0, warnings: [String] = [], alreadyCached: Bool = false,
                    notableWarnings: [UInt32] = [], noK8sAuditRulesWarning: String = "", rules: [RuleInfo] = [],
                    noSyscallRulesWarning: String = "", ignoredEventTypesWarning: String = "") {
            self.id = id
            self.ruleCount = ruleCount
            self.warnings = warnings
            self.alreadyCached = alreadyCached
            self.notableWarnings = notableWarnings
            self.noK8sAuditRulesWarning = noK8sAuditRulesWarning
            self.rules = rules
            self.noSyscallRulesWarning = noSyscallRulesWarning
            self.ignoredEventTypesWarning = ignoredEventTypesWarning
        }

        public static let protoMessageName = "pspctl.v1.LoadRuleSetResponse"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            id = r.string(1)
            ruleCount = r.uint32(2)
            warnings = r.strings(3)
            alreadyCached = r.bool(4)
            notableWarnings = r.uint32s(5)
            noK8sAuditRulesWarning = r.string(6)
            rules = r.messages(7)
            noSyscallRulesWarning = r.string(8)
            ignoredEventTypesWarning = r.string(9)
        }
        func write(to w: MessageWriter) {
            w.string(1, id)
            w.uint32(2, ruleCount)
            w.strings(3, warnings)
            w.bool(4, alreadyCached)
            w.uint32s(5, notableWarnings)
            w.string(6, noK8sAuditRulesWarning)
            w.messages(7, rules)
            w.string(8, noSyscallRulesWarning)
            w.string(9, ignoredEventTypesWarning)
        }
    }

    public struct RuleInfo: ProtocolMessage, CMessage, Hashable {
        public var name: String
        /// The priority as written in the rules file.
        public var prioritySpelling: String

        public init(name: String = "", prioritySpelling: String = "") {
            self.name = name
            self.prioritySpelling = prioritySpelling
        }

        public static let protoMessageName = "pspctl.v1.RuleInfo"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            name = r.string(1)
            prioritySpelling = r.string(2)
        }
        func write(to w: MessageWriter) {
            w.string(1, name)
            w.string(2, prioritySpelling)
        }
    }

    public struct ListRuleSetsRequest: ProtocolMessage, CMessage {
        public init() {}

        public static let protoMessageName = "pspctl.v1.ListRuleSetsRequest"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {}
        func write(to w: MessageWriter) {}
    }

    public struct ListRuleSetsResponse: ProtocolMessage, CMessage {
        /// Most recently used first.
        public var ruleSets: [RuleSetSummary]
        public init(ruleSets: [RuleSetSummary] = []) { self.ruleSets = ruleSets }

        public static let protoMessageName = "pspctl.v1.ListRuleSetsResponse"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) { ruleSets = r.messages(1) }
        func write(to w: MessageWriter) { w.messages(1, ruleSets) }
    }

    public struct RuleSetSummary: ProtocolMessage, CMessage {
        public var id: String
        public var ruleCount: UInt32
        public var options: LoadOptions?

        public init(id: String = "", ruleCount: UInt32 = 0, options: LoadOptions? = nil) {
            self.id = id
            self.ruleCount = ruleCount
            self.options = options
        }

        public static let protoMessageName = "pspctl.v1.RuleSetSummary"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            id = r.string(1)
            ruleCount = r.uint32(2)
            options = r.message(3)
        }
        func write(to w: MessageWriter) {
            w.string(1, id)
            w.uint32(2, ruleCount)
            w.message(3, options)
        }
    }

    public struct DeleteRuleSetRequest: ProtocolMessage, CMessage {
        public var id: String
        public init(id: String = "") { self.id = id }

        public static let protoMessageName = "pspctl.v1.DeleteRuleSetRequest"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) { id = r.string(1) }
        func write(to w: MessageWriter) { w.string(1, id) }
    }

    public struct DeleteRuleSetResponse: ProtocolMessage, CMessage {
        /// False when no set had that id.
        public var deleted: Bool
        public init(deleted: Bool = false) { self.deleted = deleted }

        public static let protoMessageName = "pspctl.v1.DeleteRuleSetResponse"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) { deleted = r.bool(1) }
        func write(to w: MessageWriter) { w.bool(1, deleted) }
    }

    public struct EvaluateRequest: ProtocolMessage, CMessage {
        public enum Request: Sendable, Equatable {
            /// First message of a stream, and only the first.
            case start(EvaluateStart)
            /// Every later message.
            case batch(EventBatch)
        }
        public var request: Request?

        public init(request: Request? = nil) { self.request = request }

        public static let protoMessageName = "pspctl.v1.EvaluateRequest"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            if let m = r.message(1, EvaluateStart.self) { request = .start(m) }
            else if let m = r.message(2, EventBatch.self) { request = .batch(m) }
        }
        func write(to w: MessageWriter) {
            switch request {
            case .start(let m): w.message(1, m)
            case .batch(let m): w.message(2, m)
            case nil: break
            }
        }
    }

    public struct EvaluateStart: ProtocolMessage, CMessage {
        public var ruleSetID: String
        public var allMatches: Bool
        /// Alerts less severe are not reported; `unspecified` reports all.
        public var minPriority: Priority
        /// Fill `Alert.textLine`.
        public var renderText: Bool
        /// Fill `Alert.jsonLine`.
        public var renderJSON: Bool
        /// Alerts carry only `rule` and the rendered line(s) asked for.
        public var renderedLinesOnly: Bool
        /// Also judge sensor events of the types skipped by default (Falco's `-A`).
        public var allEvents: Bool

        public init(ruleSetID: String = "", allMatches: Bool = false, minPriority: Priority = .unspecified,
                    renderText: Bool = false, renderJSON: Bool = false, renderedLinesOnly: Bool = false,
                    allEvents: Bool = false) {
            self.allEvents = allEvents
            self.ruleSetID = ruleSetID
            self.allMatches = allMatches
            self.minPriority = minPriority
            self.renderText = renderText
            self.renderJSON = renderJSON
            self.renderedLinesOnly = renderedLinesOnly
        }

        public static let protoMessageName = "pspctl.v1.EvaluateStart"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            ruleSetID = r.string(1)
            allMatches = r.bool(2)
            minPriority = Priority(rawValue: r.enumValue(3))
            renderText = r.bool(4)
            renderJSON = r.bool(5)
            renderedLinesOnly = r.bool(6)
            allEvents = r.bool(7)
        }
        func write(to w: MessageWriter) {
            w.string(1, ruleSetID)
            w.bool(2, allMatches)
            w.enumValue(3, minPriority.rawValue)
            w.bool(4, renderText)
            w.bool(5, renderJSON)
            w.bool(6, renderedLinesOnly)
            w.bool(7, allEvents)
        }
    }

    public struct EventBatch: ProtocolMessage, CMessage {
        /// Item indexes continue across batches.
        public var items: [EventItem]
        /// For sensor events: the run-wide number of the first item (0: the stream's own count).
        public var firstItemNumber: UInt64
        /// For sensor events: `evt.rawtime` of the run's first valid event (0: the stream's first).
        public var sensorRunStartTime: UInt64
        public init(items: [EventItem] = [], firstItemNumber: UInt64 = 0, sensorRunStartTime: UInt64 = 0) {
            self.items = items
            self.firstItemNumber = firstItemNumber
            self.sensorRunStartTime = sensorRunStartTime
        }

        public static let protoMessageName = "pspctl.v1.EventBatch"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            items = r.messages(1)
            firstItemNumber = r.uint64(2)
            sensorRunStartTime = r.uint64(3)
        }
        func write(to w: MessageWriter) {
            w.messages(1, items)
            w.uint64(2, firstItemNumber)
            w.uint64(3, sensorRunStartTime)
        }
    }

    public struct EventItem: ProtocolMessage, CMessage {
        public enum Event: Sendable, Equatable {
            /// One audit-log line's bytes: an Event, an EventList or a JSON array of events.
            case k8sAuditJSON([UInt8])
            /// One sensor event: a flat JSON object of Falco field names and values, as its line's bytes.
            case sensorEvent([UInt8])
        }
        /// nil: no member this version knows (an empty item, or a later version's kind of event).
        public var event: Event?

        public init(event: Event? = nil) { self.event = event }

        public static let protoMessageName = "pspctl.v1.EventItem"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            if r.has(1) { event = .k8sAuditJSON(r.bytes(1)) }
            if r.has(2) { event = .sensorEvent(r.bytes(2)) }
        }
        func write(to w: MessageWriter) {
            switch event {
            case .k8sAuditJSON(let bytes): w.bytes(1, bytes)
            case .sensorEvent(let bytes): w.bytes(2, bytes)
            case nil: break
            }
        }
    }

    public struct EvaluateResponse: ProtocolMessage, CMessage {
        /// One per item of the batch answered, in input order.
        public var results: [ItemResult]
        /// Totals of the stream so far.
        public var counts: Counts?

        public init(results: [ItemResult] = [], counts: Counts? = nil) {
            self.results = results
            self.counts = counts
        }

        public static let protoMessageName = "pspctl.v1.EvaluateResponse"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            results = r.messages(1)
            counts = r.message(2)
        }
        func write(to w: MessageWriter) {
            w.messages(1, results)
            w.message(2, counts)
        }
    }

    public struct ItemResult: ProtocolMessage, CMessage {
        /// 0-based index of the item within the stream.
        public var index: UInt64
        public var alerts: [Alert]
        /// Non-empty when the item was rejected: the CLI's message for it.
        public var error: String
        /// Events the item held.
        public var events: UInt32
        /// Pod-creating requests logged without their requestObject (when a rule reads pod specs).
        public var podRequestsWithoutObject: UInt32

        public init(index: UInt64 = 0, alerts: [Alert] = [], error: String = "", events: UInt32 = 0,
                    podRequestsWithoutObject: UInt32 = 0) {
            self.index = index
            self.alerts = alerts
            self.error = error
            self.events = events
            self.podRequestsWithoutObject = podRequestsWithoutObject
        }

        public static let protoMessageName = "pspctl.v1.ItemResult"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            index = r.uint64(1)
            alerts = r.messages(2)
            error = r.string(3)
            events = r.uint32(4)
            podRequestsWithoutObject = r.uint32(5)
        }
        func write(to w: MessageWriter) {
            w.uint64(1, index)
            w.messages(2, alerts)
            w.string(3, error)
            w.uint32(4, events)
            w.uint32(5, podRequestsWithoutObject)
        }
    }

    public struct Counts: ProtocolMessage, CMessage, Hashable {
        public var itemsReceived: UInt64
        public var eventsEvaluated: UInt64
        public var itemsRejected: UInt64
        public var alerts: UInt64
        public var podRequestsWithoutObject: UInt64

        public init(itemsReceived: UInt64 = 0, eventsEvaluated: UInt64 = 0, itemsRejected: UInt64 = 0, alerts: UInt64 = 0,
                    podRequestsWithoutObject: UInt64 = 0) {
            self.itemsReceived = itemsReceived
            self.eventsEvaluated = eventsEvaluated
            self.itemsRejected = itemsRejected
            self.alerts = alerts
            self.podRequestsWithoutObject = podRequestsWithoutObject
        }

        public static let protoMessageName = "pspctl.v1.Counts"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            itemsReceived = r.uint64(1)
            eventsEvaluated = r.uint64(2)
            itemsRejected = r.uint64(3)
            alerts = r.uint64(4)
            podRequestsWithoutObject = r.uint64(5)
        }
        func write(to w: MessageWriter) {
            w.uint64(1, itemsReceived)
            w.uint64(2, eventsEvaluated)
            w.uint64(3, itemsRejected)
            w.uint64(4, alerts)
            w.uint64(5, podRequestsWithoutObject)
        }
    }

    /// One alert: the fields of Falco's JSON alert, and optionally the rendered lines.
    public struct Alert: ProtocolMessage, CMessage {
        public var rule: String
        public var priority: Priority
        /// `k8s_audit` (later also `syscall`).
        public var source: String
        public var tags: [String]
        /// The `time` text as Falco prints it.
        public var time: String
        public var output: String
        /// In the order Falco prints them.
        public var outputFields: [OutputField]
        /// The JSON line `pspctl watch --output json` prints (no newline), when asked for.
        public var jsonLine: String
        /// The text line `pspctl watch` prints (no newline), when asked for.
        public var textLine: String
        /// Index of the event within its item.
        public var eventIndex: UInt32

        public init(rule: String = "", priority: Priority = .unspecified, source: String = "", tags: [String] = [],
                    time: String = "", output: String = "", outputFields: [OutputField] = [], jsonLine: String = "",
                    textLine: String = "", eventIndex: UInt32 = 0) {
            self.rule = rule
            self.priority = priority
            self.source = source
            self.tags = tags
            self.time = time
            self.output = output
            self.outputFields = outputFields
            self.jsonLine = jsonLine
            self.textLine = textLine
            self.eventIndex = eventIndex
        }

        public static let protoMessageName = "pspctl.v1.Alert"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            rule = r.string(1)
            priority = Priority(rawValue: r.enumValue(2))
            source = r.string(3)
            tags = r.strings(4)
            time = r.string(5)
            output = r.string(6)
            outputFields = r.messages(7)
            jsonLine = r.string(8)
            textLine = r.string(9)
            eventIndex = r.uint32(10)
        }
        func write(to w: MessageWriter) {
            w.string(1, rule)
            w.enumValue(2, priority.rawValue)
            w.string(3, source)
            w.strings(4, tags)
            w.string(5, time)
            w.string(6, output)
            w.messages(7, outputFields)
            w.string(8, jsonLine)
            w.string(9, textLine)
            w.uint32(10, eventIndex)
        }
    }

    public struct OutputField: ProtocolMessage, CMessage, Hashable {
        public var key: String
        /// Empty when `isNull`.
        public var value: String
        /// Falco prints JSON `null` for it.
        public var isNull: Bool

        public init(key: String = "", value: String = "", isNull: Bool = false) {
            self.key = key
            self.value = value
            self.isNull = isNull
        }

        public static let protoMessageName = "pspctl.v1.OutputField"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            key = r.string(1)
            value = r.string(2)
            isNull = r.bool(3)
        }
        func write(to w: MessageWriter) {
            w.string(1, key)
            w.string(2, value)
            w.bool(3, isNull)
        }
    }
}
