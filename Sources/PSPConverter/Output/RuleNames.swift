/// Names derived from the PSP name: the `<P>` prefix of lists, macros and rules, and the raw `<N>` of outputs.
struct RuleNames: Sendable {
    /// `<P>`: every character a Falco macro name cannot hold becomes `_` (falcoctl did this for spaces
    /// and dashes only, leaving unloadable names for `a.b` or `1psp`); a leading digit gets a `_` in front.
    let prefix: String
    /// `<N>`: the PSP name as written, used in outputs.
    let policyName: String

    init(policyName: String) {
        self.policyName = policyName
        var prefix = String(policyName.unicodeScalars.map { scalar -> Character in
            let isIdentifier = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
            return isIdentifier ? Character(scalar) : "_"
        })
        if prefix.isEmpty { prefix = "psp" }
        if let first = prefix.unicodeScalars.first, ("0"..."9").contains(first) { prefix = "_" + prefix }
        self.prefix = prefix
    }

    /// Characters that cannot appear in `<N>`: `%` starts a field in Falco outputs; control characters
    /// cannot be written in a one-line output.
    static func validate(policyName: String, path: FieldPath) throws(PSPConversionError) {
        if policyName.contains("%") {
            throw path.error("\"\(policyName)\" contains '%', which Falco outputs read as a field reference")
        }
        if policyName.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw path.error("contains a control character")
        }
    }

    /// `PSP <P> Violation <suffix>`.
    func rule(_ suffix: String) -> String { "PSP \(prefix) Violation \(suffix)" }
    /// `<P>_psp_<suffix>`.
    func macro(_ suffix: String) -> String { "\(prefix)_psp_\(suffix)" }

    /// The K8s Audit scope macro every K8s Audit rule starts with.
    var kaContainer: String { macro("ka_container") }
    /// The System Activity scope macro.
    var container: String { macro("container") }

    /// `Pod Security Policy <N> validation failure--<what>`.
    func failure(_ what: String) -> String { "Pod Security Policy \(policyName) validation failure--\(what)" }
    /// The same followed by the common K8s Audit tail.
    func kaOutput(_ what: String) -> String { failure(what) + " " + Self.kaTail }

    static let kaTail = "(user=%ka.user.name pod=%ka.resp.name ns=%ka.target.namespace images=%ka.req.pod.containers.image spec=%jevt.value[/requestObject/spec])"
}
