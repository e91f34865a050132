/// One HTTP request as a route's handler sees it: the whole body is read (within the route's limit)
/// before the handler runs.
public struct HTTPRequest: Sendable {
    /// Upper-case method, e.g. `GET`.
    public var method: String
    /// The path without the query, e.g. `/metrics`.
    public var path: String
    /// What followed `?` in the target, nil without one.
    public var query: String?
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// What the connection's TLS handshake established about a client certificate.
    public var clientCertificate: ClientCertificate

    /// A request's client certificate, as its connection's TLS handshake left it.
    public enum ClientCertificate: Sendable, Equatable {
        /// Plain HTTP, or TLS without a client CA: none was asked for.
        case notRequested
        /// The listener has a client CA and the client presented no certificate (or none that verified).
        case absent
        /// The client presented a certificate its client CA signed. (One the CA did not sign fails the
        /// handshake: such a client never gets to send a request.)
        case verified
    }

    public init(method: String, path: String, query: String? = nil, headers: [(name: String, value: String)] = [],
                body: [UInt8] = [], clientCertificate: ClientCertificate = .notRequested) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.clientCertificate = clientCertificate
    }

    /// The first value of a header, its name compared without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.equalsIgnoringCase(name) }?.value
    }
}

/// A route's answer.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A plain-text answer (a newline is added when `text` has none at its end).
    public static func text(_ status: Int, _ text: String) -> HTTPResponse {
        let body = text.hasSuffix("\n") || text.isEmpty ? text : text + "\n"
        return HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(body.utf8))
    }
}

extension String {
    fileprivate func equalsIgnoringCase(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}
