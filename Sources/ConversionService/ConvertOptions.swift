import PodSecurity
import PSSConverter
/// `pspctl convert`'s policy options as given, before any file is read: which converter they select,
/// and the usage errors of combining them. The one place that decides it, for embedded and remote
/// conversion alike.
public struct ConvertOptions: Sendable, Equatable {
    public var pspPath: String?
    public var standard: String?
    public var standardVersion: String?
    public var exemptUsers: [String]
    public var exemptNamespaces: [String]
    public var exemptRuntimeClasses: [String]
    public var admissionConfig: String?

    public init(pspPath: String? = nil, standard: String? = nil, standardVersion: String? = nil,
                exemptUsers: [String] = [], exemptNamespaces: [String] = [], exemptRuntimeClasses: [String] = [],
                admissionConfig: String? = nil) {
        self.pspPath = pspPath
        self.standard = standard
        self.standardVersion = standardVersion
        self.exemptUsers = exemptUsers
        self.exemptNamespaces = exemptNamespaces
        self.exemptRuntimeClasses = exemptRuntimeClasses
        self.admissionConfig = admissionConfig
    }

    /// The request these options make, reading the policy and admission configuration with `read`
    /// (path → text; `-` is standard input) only once the options are known to fit together. Throws a
    /// `ConversionError` for options that do not, and whatever `read` throws.
    public func request(reading read: (String) throws -> String) throws -> ConversionRequest {
        let pssOptions = [("--standard", standard != nil), ("--standard-version", standardVersion != nil),
                          ("--exempt-user", !exemptUsers.isEmpty), ("--exempt-namespace", !exemptNamespaces.isEmpty),
                          ("--exempt-runtime-class", !exemptRuntimeClasses.isEmpty), ("--admission-config", admissionConfig != nil)]
        if let pspPath {
            if let option = pssOptions.first(where: \.1)?.0 {
                throw ConversionError("\(option) belongs to Pod Security Standards mode and cannot be combined with --psp-path")
            }
            return .psp(PSPPolicyText(yaml: try read(pspPath), displayName: pspPath))
        }
        guard standard != nil || admissionConfig != nil else {
            if let option = pssOptions.first(where: \.1)?.0 {
                throw ConversionError("\(option) needs --standard (or --admission-config)")
            }
            throw ConversionError("give either --psp-path (a PodSecurityPolicy) or --standard (a Pod Security Standards level)")
        }
        let admissionConfigYAML = try admissionConfig.map(read)
        // The file the configuration names by path is read here, with it: converting (maybe on a
        // converter serving remote requests) reads no file.
        var referencedFile: PodSecurityConfiguration.ReferencedFile?
        if let admissionConfigYAML {
            do { referencedFile = try PodSecurityConfiguration.readReferencedFile(of: admissionConfigYAML) } catch {
                throw ConversionError("\(PSSConversionRequest.admissionConfigLabel(admissionConfig)): \(error.message)")
            }
        }
        return .standard(StandardPolicy(
            level: standard ?? "", version: standardVersion ?? "",
            exemptUsers: exemptUsers, exemptNamespaces: exemptNamespaces, exemptRuntimeClasses: exemptRuntimeClasses,
            admissionConfigYAML: admissionConfigYAML, admissionConfigName: admissionConfig,
            referencedConfigFile: referencedFile))
    }
}
