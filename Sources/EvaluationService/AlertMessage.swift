import EventTime
import K8sAuditFields
import PspctlProtocol
import RulesEngine
import SyscallFields

/// Builds the wire `Alert` of one match with the one formatter (`AlertFormatter`): the fields of
/// Falco's JSON alert, and the text and/or JSON line exactly as `pspctl watch` prints them.
struct AlertMessageBuilder: Sendable {
    let renderText: Bool
    let renderJSON: Bool
    /// Only `rule` and the rendered line(s) (`EvaluateStart.rendered_lines_only`).
    let linesOnly: Bool
    private let textFormatter = AlertFormatter(style: .text)
    private var scratch: [UInt8] = []

    init(renderText: Bool, renderJSON: Bool, linesOnly: Bool = false) {
        self.renderText = renderText
        self.renderJSON = renderJSON
        self.linesOnly = linesOnly
        scratch.reserveCapacity(4096)
    }

    mutating func alert(_ rule: borrowing CompiledRule, _ context: K8sEventContext, eventIndex: Int) -> PspctlV1.Alert {
        var alert = linesOnly
            ? PspctlV1.Alert(rule: rule.name)
            : PspctlV1.Alert(rule: rule.name, priority: PspctlV1.Priority(rule.priority), source: rule.source.rawValue,
                             tags: rule.tags, time: context.event.alertTime, eventIndex: UInt32(eventIndex))
        if !linesOnly || renderJSON, let parts = AlertFormatter.parts(rule, context) {
            if !linesOnly {
                alert.output = parts.text
                alert.outputFields = parts.fields.map { PspctlV1.OutputField(key: $0.key, value: $0.value) }
            }
            if renderJSON {
                scratch.removeAll(keepingCapacity: true)
                AlertFormatter.writeJSON(rule, context, text: parts.text, fields: parts.fields, to: &scratch)
                alert.jsonLine = String(decoding: scratch, as: UTF8.self)
            }
        }
        if renderText {
            scratch.removeAll(keepingCapacity: true)
            textFormatter.write(rule, context, to: &scratch)
            alert.textLine = String(decoding: scratch, as: UTF8.self)
        }
        return alert
    }

    /// The wire `Alert` of a syscall rule's match on a sensor event (`source` `syscall`; `output_fields`
    /// typed as Falco's JSON has them, their text in `value`, `is_null` for `null`).
    mutating func alert(_ rule: borrowing CompiledRule, _ event: SensorEvent) -> PspctlV1.Alert {
        var alert = linesOnly
            ? PspctlV1.Alert(rule: rule.name)
            : PspctlV1.Alert(rule: rule.name, priority: PspctlV1.Priority(rule.priority), source: rule.source.rawValue,
                             tags: rule.tags, time: TimestampText.utc(event.rawTime))
        if !linesOnly || renderJSON, let parts = AlertFormatter.parts(rule, event) {
            if !linesOnly {
                alert.output = parts.text
                alert.outputFields = parts.fields.map { field in
                    let text = AlertFormatter.wireText(field.value)
                    return PspctlV1.OutputField(key: field.key, value: text ?? "", isNull: text == nil)
                }
            }
            if renderJSON {
                scratch.removeAll(keepingCapacity: true)
                AlertFormatter.writeJSON(rule, event, text: parts.text, fields: parts.fields, to: &scratch)
                alert.jsonLine = String(decoding: scratch, as: UTF8.self)
            }
        }
        if renderText {
            scratch.removeAll(keepingCapacity: true)
            textFormatter.write(rule, event, to: &scratch)
            alert.textLine = String(decoding: scratch, as: UTF8.self)
        }
        return alert
    }
}
