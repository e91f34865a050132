import AuditJSON

/// `jevt.obj` and `jevt.value[P]` (§2.4.2): the stored event, after the EventList `kind` rewrite.
enum EventObjectFields {
    static let specs: [FieldSpec] = [
        FieldSpec(name: "jevt.obj", description: "the entire json object, stringified", recognition: .prefix) { _, _ in
            { context in .one(.string(dumpEvent(context.event))) }
        },
        FieldSpec(name: "jevt.value",
                  description: "general way to access single property from json object. The syntax is [<json pointer expression>]. The property is returned as a string",
                  indexMode: .requiredKey, recognition: .prefixWithPointer) { index, rest throws(K8sFieldError) in
            let pointer: JSONPointer
            do throws(JSONPointerSyntaxError) { pointer = try JSONPointer(parsing: index ?? "") } catch {
                throw K8sFieldError(message: "Could not parse filtercheck field \"\(rest)\". Invalid json selector (\(error.message))")
            }
            let path = PointerPath(tokens: pointer.tokens)
            return { context in value(at: path, in: context.event) }
        },
    ]

    static func value(at path: PointerPath, in event: K8sAuditEvent) -> ExtractedValues {
        if path.isEmpty { return .one(.string(dumpEvent(event))) }
        if event.kindWasRewritten, path.steps[0].key == "kind" {
            // The rewritten `kind` is the string "Event": nothing lies below it.
            return path.steps.count == 1 ? .one(.string("Event")) : .failure
        }
        guard let node = path.resolve(in: event.object) else { return .failure }
        return ExtractedValues(single: node)
    }

    /// The event dumped as nlohmann does (keys sorted, compact), with `"kind":"Event"` for rewritten items.
    static func dumpEvent(_ event: K8sAuditEvent) -> String {
        guard event.kindWasRewritten else { return event.object.dump() }
        var members = event.object.members.filter { $0.key != "kind" }.map { (key: $0.key, text: $0.value.dump()) }
        let position = members.firstIndex { !$0.key.utf8.lexicographicallyPrecedes("kind".utf8) } ?? members.endIndex
        members.insert((key: "kind", text: "\"Event\""), at: position)
        return "{" + members.map { JSONValues.quoted($0.key) + ":" + $0.text }.joined(separator: ",") + "}"
    }
}
