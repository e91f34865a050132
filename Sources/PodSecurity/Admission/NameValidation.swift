/// Kubernetes name validation (apimachinery `pkg/util/validation`), with its messages.
public enum KubernetesNameValidation {
    /// `IsDNS1123Label` (namespace names): the reasons `name` is invalid, empty when valid.
    public static func dns1123LabelErrors(_ name: String) -> [String] {
        var errors: [String] = []
        if name.utf8.count > 63 { errors.append("must be no more than 63 characters") }
        if !isLabel(Array(name.utf8)[...]) {
            errors.append("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
                + "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
                + "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
        }
        return errors
    }

    /// `IsDNS1123Subdomain` (runtime class names).
    public static func dns1123SubdomainErrors(_ name: String) -> [String] {
        var errors: [String] = []
        if name.utf8.count > 253 { errors.append("must be no more than 253 characters") }
        let bytes = Array(name.utf8)
        if !bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy(isLabel) {
            errors.append("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                + "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                + "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
        }
        return errors
    }

    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
    private static func isLabel(_ bytes: ArraySlice<UInt8>) -> Bool {
        let isAlphanumeric = { (byte: UInt8) in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
}

/// One validation error in apimachinery's `field.Error` form: `<path>: Invalid value: "<v>": <detail>`.
public struct FieldValidationError: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case invalid = "Invalid value", duplicate = "Duplicate value" }
    public var path: String
    public var kind: Kind
    public var value: String
    public var detail: String

    public init(path: String, kind: Kind, value: String, detail: String = "") {
        self.path = path; self.kind = kind; self.value = value; self.detail = detail
    }

    public var description: String {
        "\(path): \(kind.rawValue): \(goQuote(value))" + (detail.isEmpty ? "" : ": \(detail)")
    }

    /// An error list as apimachinery's aggregate prints it: one error alone, several in brackets.
    public static func aggregate(_ errors: [FieldValidationError]) -> String {
        errors.count == 1 ? errors[0].description : "[" + errors.map(\.description).joined(separator: ", ") + "]"
    }
}
