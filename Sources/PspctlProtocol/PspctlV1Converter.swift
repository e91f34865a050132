import CPspctlProtos

// pspctl/v1/converter.proto

extension PspctlV1 {
    public struct ConvertRequest: ProtocolMessage, CMessage {
        public enum Policy: Sendable, Equatable {
            case psp(PodSecurityPolicy)
            case standard(PodSecurityStandard)
        }
        /// Exactly one must be set (nil decodes, the service rejects it).
        public var policy: Policy?

        public init(policy: Policy? = nil) { self.policy = policy }

        public static let protoMessageName = "pspctl.v1.ConvertRequest"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            if let m = r.message(1, PodSecurityPolicy.self) { policy = .psp(m) }
            else if let m = r.message(2, PodSecurityStandard.self) { policy = .standard(m) }
        }
        func write(to w: MessageWriter) {
            switch policy {
            case .psp(let m): w.message(1, m)
            case .standard(let m): w.message(2, m)
            case nil: break
            }
        }
    }

    public struct PodSecurityPolicy: ProtocolMessage, CMessage {
        /// The policy document, YAML or JSON.
        public var yaml: String
        /// What messages call it (the CLI's `--psp-path`); empty: `-`.
        public var displayName: String

        public init(yaml: String = "", displayName: String = "") {
            self.yaml = yaml
            self.displayName = displayName
        }

        public static let protoMessageName = "pspctl.v1.PodSecurityPolicy"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            yaml = r.string(1)
            displayName = r.string(2)
        }
        func write(to w: MessageWriter) {
            w.string(1, yaml)
            w.string(2, displayName)
        }
    }

    public struct PodSecurityStandard: ProtocolMessage, CMessage {
        /// `baseline` or `restricted` as written (`--standard`); empty: the admission configuration's.
        public var level: String
        /// `v1.N` or `latest` (`--standard-version`); empty: the admission configuration's, else latest.
        public var version: String
        public var exemptUsers: [String]
        public var exemptNamespaces: [String]
        public var exemptRuntimeClasses: [String]
        /// An AdmissionConfiguration or PodSecurityConfiguration document; empty: none.
        public var admissionConfigYAML: String
        /// What messages call the admission configuration (the CLI's argument).
        public var admissionConfigName: String
        /// The file the admission configuration's PodSecurity plugin names by `path`, as the client read
        /// it (the converter opens no path a request names); empty: none.
        public var referencedConfigPath: String
        public var referencedConfigYAML: String

        public init(level: String = "", version: String = "", exemptUsers: [String] = [], exemptNamespaces: [String] = [],
                    exemptRuntimeClasses: [String] = [], admissionConfigYAML: String = "", admissionConfigName: String = "",
                    referencedConfigPath: String = "", referencedConfigYAML: String = "") {
            self.level = level
            self.version = version
            self.exemptUsers = exemptUsers
            self.exemptNamespaces = exemptNamespaces
            self.exemptRuntimeClasses = exemptRuntimeClasses
            self.admissionConfigYAML = admissionConfigYAML
            self.admissionConfigName = admissionConfigName
            self.referencedConfigPath = referencedConfigPath
            self.referencedConfigYAML = referencedConfigYAML
        }

        public static let protoMessageName = "pspctl.v1.PodSecurityStandard"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            level = r.string(1)
            version = r.string(2)
            exemptUsers = r.strings(3)
            exemptNamespaces = r.strings(4)
            exemptRuntimeClasses = r.strings(5)
            admissionConfigYAML = r.string(6)
            admissionConfigName = r.string(7)
            referencedConfigPath = r.string(8)
            referencedConfigYAML = r.string(9)
        }
        func write(to w: MessageWriter) {
            w.string(1, level)
            w.string(2, version)
            w.strings(3, exemptUsers)
            w.strings(4, exemptNamespaces)
            w.strings(5, exemptRuntimeClasses)
            w.string(6, admissionConfigYAML)
            w.string(7, admissionConfigName)
            w.string(8, referencedConfigPath)
            w.string(9, referencedConfigYAML)
        }
    }
}
