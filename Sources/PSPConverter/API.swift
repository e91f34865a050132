// The public API of PSPConverter (`pspctl convert --psp-path`).

/// Converts a PodSecurityPolicy into a Falco rules file: falcoctl v0.0.4's rules (with the corrections
/// listed in docs/psp-conversion.md) followed by pspctl's extension rules for the fields falcoctl ignored.
public enum PSPConverter {
    /// Converts one PodSecurityPolicy given as YAML or JSON text.
    public static func convert(yaml: String) throws(PSPConversionError) -> PSPConversion {
        let policy = try PodSecurityPolicy(decoding: yaml)
        return RulesFileBuilder(policy: policy).build()
    }
}

/// The generated rules file and a human account of it.
public struct PSPConversion: Sendable, Equatable {
    /// The complete rules file text.
    public let rulesYAML: String
    /// One line per PSP field: which rules it became, or why it produced none (plus warnings).
    public let summary: [String]
    /// The generated rule names, in file order.
    public let ruleNames: [String]

    public init(rulesYAML: String, summary: [String], ruleNames: [String]) {
        self.rulesYAML = rulesYAML; self.summary = summary; self.ruleNames = ruleNames
    }
}

/// Why a PodSecurityPolicy cannot be converted. `field` names the offending field the way kubectl
/// does (`spec.runAsUser.ranges[0]`, `metadata.annotations["falco-rules-psp-images"]`); nil when the
/// input as a whole is wrong (not YAML, several documents).
public struct PSPConversionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String?
    public let message: String

    public init(field: String?, message: String) {
        self.field = field; self.message = message
    }

    /// `<field>: <message>`, or just the message.
    public var description: String {
        guard let field else { return message }
        return "\(field): \(message)"
    }
}
