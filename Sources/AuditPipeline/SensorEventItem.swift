import AuditJSON
import EventTime
import RulesEngine
import SyscallFields

/// The run-level facts a sensor event's derived values depend on (syscall-fields.md §6.5 D1, D2): the
/// number of the next item, and the `evt.rawtime` of the run's first valid event. Kept by whoever reads
/// the run in order (embedded `watch`, one Evaluate stream, or set per batch by `watch --evaluator`).
public struct SensorRun: Sendable, Equatable {
    /// Items of the run before the next one (rejected items included, blank lines not): the next item's
    /// number is `items + 1`, the default of `evt.num`.
    public var items: UInt64
    /// `evt.rawtime` of the run's first valid event (`evt.reltime*` count from it); nil until there is one.
    public var startTime: UInt64?

    public init(items: UInt64 = 0, startTime: UInt64? = nil) {
        self.items = items
        self.startTime = startTime
    }
}

/// One line (or stream item) holding a sensor event: a flat JSON object of field key → value
/// (syscall-fields.md §6.1). JSON errors are the parser's, prefixed `sensor event: `; a value that is an
/// object or an array fits no field's type (§6.3): `sensor event: invalid value for <key>`.
public enum SensorEventItem {
    public static func fields(_ bytes: UnsafeBufferPointer<UInt8>) throws(SensorEventError) -> [String: SensorValue] {
        let document: JSONDocument
        do {
            document = try JSONDocument(parsing: bytes)
        } catch {
            throw SensorEventError("sensor event: \(error)")
        }
        let root = document.root
        guard root.kind == .object else {
            throw SensorEventError("sensor event: not a JSON object (a sensor event is one flat object of Falco field names and values)")
        }
        var fields: [String: SensorValue] = [:]
        for (key, node) in root.members {
            switch node.kind {
            case .null: fields[key] = .null
            case .bool: fields[key] = .bool(node.bool ?? false)
            case .string: fields[key] = .string(node.string ?? "")
            case .number:
                switch node.number {
                case .int(let value)?: fields[key] = .integer(value)
                case .uint(let value)?: fields[key] = .unsignedInteger(value)
                case .double(let value)?: fields[key] = .number(value)
                case nil: throw SensorEventError("sensor event: invalid value for \(key)")
                }
            case .object, .array:
                throw SensorEventError("sensor event: invalid value for \(key)")
            }
        }
        return fields
    }

    /// The validated event of an item that is number `number` of its run; `run.startTime` nil means
    /// this event starts the run. The local-time fields use the host's zone, as Falco's do.
    /// Errors quote a key (or a JSON token) of the event, which may be as long as the line: a message
    /// longer than `maximumMessageBytes` is cut there, with `…`.
    public static func event(_ bytes: UnsafeBufferPointer<UInt8>, number: UInt64, startTime: UInt64?)
        throws(SensorEventError) -> SensorEvent {
        do {
            return try SensorEvent(fields: fields(bytes), sequenceNumber: number, runStartTime: startTime,
                                   utcOffsetSeconds: Int(CivilTime.currentLocalOffsetSeconds()))
        } catch {
            guard error.message.utf8.count > maximumMessageBytes else { throw error }
            var cut = Substring(error.message).utf8.prefix(maximumMessageBytes)
            while let last = cut.last, last & 0xC0 == 0x80 { cut = cut.dropLast() }  // whole characters only
            if let last = cut.last, last >= 0xC0 { cut = cut.dropLast() }
            throw SensorEventError(String(decoding: cut, as: UTF8.self) + "…")
        }
    }

    /// The longest error message of a sensor event, in bytes.
    public static let maximumMessageBytes = 400

    /// The `evt.rawtime` of the first valid sensor event among `items`, or nil: a run's start time found
    /// before its items are evaluated out of order (stretches on several cores, several backends).
    public static func firstStartTime<Items: Sequence>(_ items: Items) -> UInt64?
    where Items.Element == UnsafeBufferPointer<UInt8> {
        for item in items where !ItemEvaluator.isBlank(item) {
            if let event = try? event(item, number: 1, startTime: nil) { return event.rawTime }
        }
        return nil
    }
}

extension ItemEvaluator {
    /// Evaluates one sensor-event item (syscall-fields.md §6.6) as item `run.items + 1` of its run,
    /// advancing `run` (a blank item is skipped and not counted). `onAlert` gets each alert in order.
    /// An event Falco skips by default counts as an event but is not evaluated (unless `allEvents`).
    public func evaluateSensorEvent(_ item: UnsafeBufferPointer<UInt8>, run: inout SensorRun,
                                    onAlert: (_ ruleIndex: Int, _ rule: borrowing CompiledRule, _ event: SensorEvent) -> Void)
        -> ItemOutcome {
        var outcome = ItemOutcome()
        if Self.isBlank(item) {
            outcome.isBlank = true
            return outcome
        }
        run.items += 1
        let event: SensorEvent
        do {
            event = try SensorEventItem.event(item, number: run.items, startTime: run.startTime)
        } catch {
            outcome.rejection = error.message
            return outcome
        }
        if run.startTime == nil { run.startTime = event.rawTime }
        outcome.events = 1
        engine.forEachMatch(for: event, allMatches: allMatches, allEvents: allEvents) { index, rule in
            if let minimum = minimumAlertPriority, !rule.priority.isAtLeast(minimum) { return }
            onAlert(index, rule, event)
            outcome.alerts += 1
        }
        return outcome
    }
}
