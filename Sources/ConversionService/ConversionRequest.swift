import PodSecurity
/// A policy to convert, as text (the caller reads files; the request travels as it is to a
/// ConverterService).
public enum ConversionRequest: Sendable, Equatable {
    /// A PodSecurityPolicy (`pspctl convert --psp-path`).
    case psp(PSPPolicyText)
    /// A Pod Security Standards level (`pspctl convert --standard` / `--admission-config`).
    case standard(StandardPolicy)
}

/// A PodSecurityPolicy document and the name messages call it by.
public struct PSPPolicyText: Sendable, Equatable {
    /// YAML or JSON text.
    public var yaml: String
    /// The path given on the command line (`-` for standard input); messages about the policy as a
    /// whole start with it.
    public var displayName: String

    public init(yaml: String, displayName: String) {
        self.yaml = yaml
        self.displayName = displayName
    }
}

/// A Pod Security Standards level with its exemptions.
public struct StandardPolicy: Sendable, Equatable {
    /// `baseline` / `restricted` as written; empty: the admission configuration's `enforce` level.
    public var level: String
    /// `v1.N` / `latest` as written; empty: the admission configuration's `enforce-version`, else latest.
    public var version: String
    public var exemptUsers: [String]
    public var exemptNamespaces: [String]
    public var exemptRuntimeClasses: [String]
    /// The AdmissionConfiguration / PodSecurityConfiguration text, nil when none was given.
    public var admissionConfigYAML: String?
    /// The path it was read from (messages name it), nil when none was given.
    public var admissionConfigName: String?
    /// The file its PodSecurity plugin names by `path`, read with it by the client; converting reads no file.
    public var referencedConfigFile: PodSecurityConfiguration.ReferencedFile?

    public init(level: String = "", version: String = "", exemptUsers: [String] = [], exemptNamespaces: [String] = [],
                exemptRuntimeClasses: [String] = [], admissionConfigYAML: String? = nil, admissionConfigName: String? = nil,
                referencedConfigFile: PodSecurityConfiguration.ReferencedFile? = nil) {
        self.level = level
        self.version = version
        self.exemptUsers = exemptUsers
        self.exemptNamespaces = exemptNamespaces
        self.exemptRuntimeClasses = exemptRuntimeClasses
        self.admissionConfigYAML = admissionConfigYAML
        self.admissionConfigName = admissionConfigName
        self.referencedConfigFile = referencedConfigFile
    }
}

/// A conversion that failed; `message` is exactly what `pspctl convert` prints after `pspctl convert: `.
public struct ConversionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
