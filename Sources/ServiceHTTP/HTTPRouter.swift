/// Routes by exact path, then by method. A path no route has is 404; a known path asked with another
/// method is 405 with `Allow`; `HEAD` is answered by a path's `GET` route (the body left out).
///
/// Each route has its own request body limit (0 by default: routes that read no body refuse one with 413),
/// so a later `POST /k8s-audit` can take megabytes while `/metrics` takes nothing.
public struct HTTPRouter: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse

    public struct Route: Sendable {
        public let method: String
        public let path: String
        /// Largest request body accepted (413 above it).
        public let maxBodyBytes: Int
        let handler: Handler
    }

    enum Match {
        case route(Route)
        case methodNotAllowed(allow: [String])
        case notFound
    }

    // path → method → route
    private var routes: [String: [String: Route]] = [:]

    public init() {}

    /// Adds (or replaces) the route of `method` (upper case, e.g. `GET`, `POST`) on `path` (e.g. `/metrics`).
    public mutating func add(_ method: String, _ path: String, maxBodyBytes: Int = 0, _ handler: @escaping Handler) {
        let method = method.uppercased()
        routes[path, default: [:]][method] = Route(method: method, path: path, maxBodyBytes: max(0, maxBodyBytes),
                                                   handler: handler)
    }

    /// The paths served, sorted.
    public var paths: [String] { routes.keys.sorted() }

    func match(method: String, path: String) -> Match {
        guard let byMethod = routes[path] else { return .notFound }
        if let route = byMethod[method] { return .route(route) }
        if method == "HEAD", let route = byMethod["GET"] { return .route(route) }
        var allow = Set(byMethod.keys)
        if allow.contains("GET") { allow.insert("HEAD") }
        return .methodNotAllowed(allow: allow.sorted())
    }
}
