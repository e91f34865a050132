import AuditJSON

/// The pure pointer-chain fields (§2.2.4): P1, optionally followed by P2 applied to each array element.
enum PointerChainFields {
    static func field(_ name: String, _ description: String, index: K8sIndexMode = .none,
                      _ first: String, each second: String? = nil) -> FieldSpec {
        let first = AnchoredPath(first), second = second.map(PointerPath.init)
        return FieldSpec(name: name, description: description, indexMode: index) { context in
            extract(from: context, first, second)
        }
    }

    static func extract(from context: K8sEventContext, _ first: AnchoredPath, _ second: PointerPath?) -> ExtractedValues {
        guard let found = first.resolve(in: context) else { return .failure }
        // A non-array at P1 is one value; P2 is then ignored (upstream behaviour, kept).
        guard found.kind == .array else { return ExtractedValues(single: found) }
        var values = ValueAccumulator()
        found.forEachElement { element in
            guard let second else { values.append(JSONValues.value(of: element)); return }
            guard let leaf = second.resolve(in: element) else { values.append(.notAvailable); return }
            if leaf.kind == .array {
                leaf.forEachElement { values.append(JSONValues.value(of: $0)) }
            } else {
                values.append(JSONValues.value(of: leaf))
            }
        }
        return values.values
    }
}
