/// The URL of `--alerts-http`: `http[s]://HOST[:PORT][/PATH][?QUERY]`, HOST a name, an IPv4 address or an
/// IPv6 literal in brackets (`http://[::1]:2801/`). Credentials in the URL, an empty host, a bad port and
/// characters a request line cannot carry are refused. With `https://` the server's certificate is
/// verified for HOST (and HOST is sent as SNI when it is a name).
public struct AlertURL: Sendable, Equatable, CustomStringConvertible {
    /// The host to connect to (an IPv6 literal without its brackets).
    public var host: String
    public var port: Int
    /// `https://`.
    public var isTLS: Bool
    /// The request target: the path (at least `/`) with its query; the fragment is dropped.
    public var target: String
    /// The `Host` header: the host as written (brackets kept) and the port when it is not the scheme's (80, 443).
    public var hostHeader: String
    /// The URL as given (for messages).
    public var description: String

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ text: String) throws(ParseError) {
        func bad(_ why: String) -> ParseError {
            ParseError(description: "bad --alerts-http URL \"\(text)\": \(why)")
        }
        description = text
        guard let schemeEnd = text.range(of: "://") else {
            throw bad("expected http://HOST[:PORT]/PATH or https://HOST[:PORT]/PATH")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw bad("the scheme must be http:// or https://, not \(scheme)://") }
        isTLS = scheme == "https"
        let defaultPort = isTLS ? 443 : 80
        var rest = text[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        for scalar in rest.unicodeScalars where scalar.value <= 0x20 || scalar.value == 0x7F || scalar.value > 0x7E {
            throw bad(scalar == " " ? "spaces must be percent-encoded (%20)" : "characters outside printable ASCII must be percent-encoded")
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        if path.isEmpty { path = "/" } else if path.hasPrefix("?") { path = "/" + path }
        target = path
        if authority.contains("@") { throw bad("credentials in the URL are not supported") }
        var hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw bad("an IPv6 address needs its closing ]") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw bad("unexpected \"\(after)\" after the IPv6 address") }
                portPart = after.dropFirst()
            }
            guard !hostPart.isEmpty, hostPart.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" }),
                  hostPart.contains(":") else {
                throw bad("\"[\(hostPart)]\" is not an IPv6 address")
            }
        } else {
            if authority.filter({ $0 == ":" }).count > 1 {
                throw bad("an IPv6 address goes in brackets: http://[::1]:2801/")
            }
            if let colon = authority.firstIndex(of: ":") {
                hostPart = authority[..<colon]
                portPart = authority[authority.index(after: colon)...]
            } else {
                hostPart = authority
            }
            guard !hostPart.isEmpty else { throw bad("the host is missing") }
            guard hostPart.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }) else {
                throw bad("\"\(hostPart)\" is not a host name or address (an IPv6 address goes in brackets: http://[::1]:2801/)")
            }
        }
        host = String(hostPart)
        if let portPart {
            guard !portPart.isEmpty, portPart.allSatisfy(\.isASCII), portPart.allSatisfy(\.isNumber),
                  let port = Int(portPart), (1...65_535).contains(port) else {
                throw bad("the port must be a number from 1 to 65535")
            }
            self.port = port
        } else {
            port = defaultPort
        }
        let shownHost = authority.hasPrefix("[") ? "[\(host)]" : host
        hostHeader = port == defaultPort ? shownHost : "\(shownHost):\(port)"
    }
}
