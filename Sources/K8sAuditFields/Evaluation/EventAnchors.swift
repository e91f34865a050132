import AuditJSON

/// Objects that many fields start from. Resolved once per event (most pod fields begin with
/// `/requestObject/spec`), so each field walks only the rest of its pointer.
enum EventAnchor: Int, CaseIterable, Sendable {
    case root, requestObject, podSpec, containers, volumes, objectRef

    /// The pointer tokens from the event root, and the anchor they extend.
    fileprivate var definition: (parent: EventAnchor, key: String)? {
        switch self {
        case .root: return nil
        case .requestObject: return (.root, "requestObject")
        case .podSpec: return (.requestObject, "spec")
        case .containers: return (.podSpec, "containers")
        case .volumes: return (.podSpec, "volumes")
        case .objectRef: return (.root, "objectRef")
        }
    }

    /// The one-step path from the parent anchor, prepared once.
    fileprivate var step: (parent: EventAnchor, path: [JSONPathStep])? { Self.steps[rawValue] }
    private static let steps = allCases.map { anchor in
        anchor.definition.map { (parent: $0.parent, path: [JSONPathStep(key: $0.key)]) }
    }

    fileprivate var tokens: [String] {
        guard let (parent, key) = definition else { return [] }
        return parent.tokens + [key]
    }
}

/// Per-event cache of anchor positions: `nil` = not looked up yet, `.some(nil)` = absent. Positions,
/// not nodes: reading a cached anchor then retains nothing.
struct EventAnchorCache {
    private var requestObject: JSONPosition??
    private var podSpec: JSONPosition??
    private var containers: JSONPosition??
    private var volumes: JSONPosition??
    private var objectRef: JSONPosition??

    mutating func position(_ anchor: EventAnchor, in event: K8sAuditEvent) -> JSONPosition? {
        guard let (parent, step) = anchor.step else { return event.object.position }
        if let known = stored(anchor) { return known }
        let found = position(parent, in: event).flatMap { event.object.document.position(of: step, from: $0) }
        switch anchor {
        case .root: break
        case .requestObject: requestObject = .some(found)
        case .podSpec: podSpec = .some(found)
        case .containers: containers = .some(found)
        case .volumes: volumes = .some(found)
        case .objectRef: objectRef = .some(found)
        }
        return found
    }

    private func stored(_ anchor: EventAnchor) -> JSONPosition?? {
        switch anchor {
        case .root: return nil
        case .requestObject: return requestObject
        case .podSpec: return podSpec
        case .containers: return containers
        case .volumes: return volumes
        case .objectRef: return objectRef
        }
    }
}

/// A pointer split into the deepest anchor it passes through and the rest.
struct AnchoredPath: Sendable {
    let anchor: EventAnchor
    let rest: PointerPath

    init(_ text: String) {
        let tokens = PointerPath(text).steps.map(\.key)
        let anchor = EventAnchor.allCases.filter { tokens.starts(with: $0.tokens) }.max { $0.tokens.count < $1.tokens.count } ?? .root
        self.anchor = anchor
        rest = PointerPath(tokens: Array(tokens.dropFirst(anchor.tokens.count)))
    }

    func resolve(in context: K8sEventContext) -> JSONNode? {
        guard let start = context.anchors.position(anchor, in: context.event) else { return nil }
        return context.document.descendant(of: start, along: rest.steps)
    }
}
