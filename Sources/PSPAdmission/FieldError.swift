import PodSecurity
import PSPConverter

/// One reason PSP admission rejects a pod: the PSP field that forbids it (`check`) and the API server's field
/// error (`k8s.io/apimachinery` `field.Error`), e.g. `spec.containers[0].securityContext.privileged` and
/// `Invalid value: true: Privileged containers are not allowed`.
public struct PSPViolation: Sendable, Equatable, CustomStringConvertible {
    /// The PSP field: `privileged`, `volumes`, `allowedHostPaths`, `runAsUser`, `seccomp` …
    public let check: String
    /// The field path of the pod, as the API server prints it.
    public let field: String
    /// The error after the path: `Invalid value: <value>: <detail>`, `Required value`, `Forbidden: <detail>`.
    public let message: String

    init(check: String, _ error: FieldError) {
        self.check = check
        field = error.path.text
        message = error.body
    }

    /// The API server's text: `<field>: <message>`.
    public var description: String { "\(field): \(message)" }
}

/// A field path (`field.Path`): children joined by `.`, indexes and keys in brackets (keys unquoted).
struct FieldPath: Sendable {
    let text: String
    init(_ text: String) { self.text = text }
    func child(_ name: String) -> FieldPath { FieldPath(text + "." + name) }
    func index(_ index: Int) -> FieldPath { FieldPath(text + "[\(index)]") }
    func key(_ key: String) -> FieldPath { FieldPath(text + "[\(key)]") }
}

/// A bad value as `field.Error` prints it: simple types with `%v`, strings with `%q`, a nil pointer as
/// `"null"`, anything else with Go's `%#v`.
enum GoValue {
    case int(Int64)
    case bool(Bool)
    case string(String)
    /// A nil pointer (`*bool`, `*int64`, `*Capabilities` …).
    case null
    /// `[]int64` (nil → `[]int64(nil)`).
    case int64s([Int64]?)
    /// `[]core.Capability` (nil → `[]core.Capability(nil)`).
    case capabilities([String]?)
    /// A named string type without a String method (`core.ProcMountType`): `%#v` quotes it.
    case namedString(String)

    var printed: String {
        switch self {
        case .int(let value): return String(value)
        case .bool(let value): return String(value)
        case .string(let text), .namedString(let text): return goQuote(text)
        case .null: return goQuote("null")
        case .int64s(let values):
            guard let values else { return "[]int64(nil)" }
            return "[]int64{" + values.map(String.init).joined(separator: ", ") + "}"
        case .capabilities(let values):
            guard let values else { return "[]core.Capability(nil)" }
            return "[]core.Capability{" + values.map(goQuote).joined(separator: ", ") + "}"
        }
    }
}

/// A field error: `field.Invalid`, `field.Required` or `field.Forbidden`.
struct FieldError {
    let path: FieldPath
    let body: String

    static func invalid(_ path: FieldPath, _ value: GoValue, _ detail: String) -> FieldError {
        FieldError(path: path, body: "Invalid value: \(value.printed)" + (detail.isEmpty ? "" : ": \(detail)"))
    }
    static func required(_ path: FieldPath, _ detail: String = "") -> FieldError {
        FieldError(path: path, body: "Required value" + (detail.isEmpty ? "" : ": \(detail)"))
    }
    static func forbidden(_ path: FieldPath, _ detail: String) -> FieldError {
        FieldError(path: path, body: "Forbidden" + (detail.isEmpty ? "" : ": \(detail)"))
    }
}

/// PSP ranges as Go's `%v` prints a `[]policy.IDRange`: `[{1 100} {200 300}]`.
func goRanges(_ ranges: [IDRange]) -> String {
    "[" + ranges.map { "{\($0.min) \($0.max)}" }.joined(separator: " ") + "]"
}
