import AuditJSON

/// Which JSON documents are Kubernetes audit events (§1.2, `parse_k8s_audit_json`): an `Event`, an
/// `EventList`, or a top-level array of those. Any rejected part rejects the whole document.
enum AuditDocumentRecognizer {
    static func events(in root: JSONNode) throws(K8sAuditInputError) -> K8sAuditEvents {
        // The usual document, one Event object, needs no array.
        if root.kind == .object, let kind = root["kind"], kind.stringEquals("Event") {
            return K8sAuditEvents(storage: .one(try event(root, kindWasRewritten: false, location: "the document")))
        }
        var events: [K8sAuditEvent] = []
        guard root.kind == .array else {
            try collect(root, into: &events, location: "the document")
            return K8sAuditEvents(storage: events.isEmpty ? .none : .many(events))
        }
        for (position, element) in root.elements.enumerated() {
            let location = "element \(position + 1) of the top-level array"
            guard element.kind != .array else { throw rejected("\(location) is an array (only one level of array is allowed)") }
            try collect(element, into: &events, location: location)
        }
        return K8sAuditEvents(storage: events.isEmpty ? .none : .many(events))
    }

    private static func collect(_ value: JSONNode, into events: inout [K8sAuditEvent], location: String) throws(K8sAuditInputError) {
        guard value.kind == .object else { throw rejected("\(location) is a JSON \(value.kind), not an object") }
        guard let kind = value["kind"] else { throw rejected("\(location) has no \"kind\"") }
        guard kind.kind == .string else { throw rejected("the \"kind\" of \(location) is a JSON \(kind.kind), not a string") }
        if kind.stringEquals("Event") {
            events.append(try event(value, kindWasRewritten: false, location: location))
        } else if kind.stringEquals("EventList") {
            try collectItems(of: value, into: &events, location: location)
        } else {
            throw rejected("the \"kind\" of \(location) is \"\(kind.string ?? "")\", not \"Event\" or \"EventList\"")
        }
    }

    /// `items` missing or null → no events; an array → its elements; an object → its member values in key
    /// order; any scalar → that one value (then rejected, as it is not an object).
    private static func collectItems(of list: JSONNode, into events: inout [K8sAuditEvent], location: String) throws(K8sAuditInputError) {
        guard let items = list["items"], items.kind != .null else { return }
        let elements: [JSONNode] = switch items.kind {
        case .array: items.elements
        case .object: items.members.map(\.value)
        default: [items]
        }
        for (position, item) in elements.enumerated() {
            let itemLocation = "item \(position + 1) of the EventList in \(location)"
            guard item.kind == .object else { throw rejected("\(itemLocation) is a JSON \(item.kind), not an object") }
            let isEvent = item["kind"].map { $0.stringEquals("Event") } ?? false
            events.append(try event(item, kindWasRewritten: !isEvent, location: itemLocation))
        }
    }

    private static func event(_ object: JSONNode, kindWasRewritten: Bool, location: String) throws(K8sAuditInputError) -> K8sAuditEvent {
        guard let stamp = object["stageTimestamp"] else { throw rejected("\(location) has no \"stageTimestamp\"") }
        // Read from the JSON bytes in place: no String is made for a valid time.
        guard let parsed = stamp.withStringBytes(StageTimestamp.nanoseconds(parsing:)) else {
            throw rejected("the \"stageTimestamp\" of \(location) is a JSON \(stamp.kind), not a string")
        }
        guard let ns = parsed else {
            throw rejected("the \"stageTimestamp\" of \(location), \"\(stamp.string ?? "")\", is not a valid time")
        }
        return K8sAuditEvent(object: object, timeNs: ns, kindWasRewritten: kindWasRewritten)
    }

    private static func rejected(_ reason: String) -> K8sAuditInputError { .notAuditEvent(reason: reason) }
}
