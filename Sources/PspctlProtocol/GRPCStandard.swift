import CPspctlProtos

// grpc/health/v1/health.proto and grpc/reflection/v1alpha/reflection.proto (the standard wire contracts).

extension GRPCHealthV1 {
    public struct HealthCheckRequest: ProtocolMessage, CMessage {
        /// e.g. `pspctl.v1.Evaluator`; empty: the server as a whole.
        public var service: String
        public init(service: String = "") { self.service = service }

        public static let protoMessageName = "grpc.health.v1.HealthCheckRequest"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) { service = r.string(1) }
        func write(to w: MessageWriter) { w.string(1, service) }
    }

    public struct HealthCheckResponse: ProtocolMessage, CMessage {
        public struct ServingStatus: ProtocolEnum {
            public var rawValue: Int32
            public init(rawValue: Int32) { self.rawValue = rawValue }
            public static let unknown = ServingStatus(rawValue: 0)
            public static let serving = ServingStatus(rawValue: 1)
            public static let notServing = ServingStatus(rawValue: 2)
            /// Watch only.
            public static let serviceUnknown = ServingStatus(rawValue: 3)
        }
        public var status: ServingStatus
        public init(status: ServingStatus = .unknown) { self.status = status }

        public static let protoMessageName = "grpc.health.v1.HealthCheckResponse"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) { status = ServingStatus(rawValue: r.enumValue(1)) }
        func write(to w: MessageWriter) { w.enumValue(1, status.rawValue) }
    }
}

extension GRPCReflectionV1Alpha {
    public struct ServerReflectionRequest: ProtocolMessage, CMessage {
        public enum MessageRequest: Sendable, Equatable {
            case fileByFilename(String)
            case fileContainingSymbol(String)
            case fileContainingExtension(ExtensionRequest)
            case allExtensionNumbersOfType(String)
            /// The value is not used.
            case listServices(String)
        }
        public var host: String
        public var messageRequest: MessageRequest?

        public init(host: String = "", messageRequest: MessageRequest? = nil) {
            self.host = host
            self.messageRequest = messageRequest
        }

        public static let protoMessageName = "grpc.reflection.v1alpha.ServerReflectionRequest"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            host = r.string(1)
            if r.has(3) { messageRequest = .fileByFilename(r.string(3)) }
            else if r.has(4) { messageRequest = .fileContainingSymbol(r.string(4)) }
            else if let m = r.message(5, ExtensionRequest.self) { messageRequest = .fileContainingExtension(m) }
            else if r.has(6) { messageRequest = .allExtensionNumbersOfType(r.string(6)) }
            else if r.has(7) { messageRequest = .listServices(r.string(7)) }
        }
        func write(to w: MessageWriter) {
            w.string(1, host)
            switch messageRequest {
            case .fileByFilename(let s): w.string(3, s)
            case .fileContainingSymbol(let s): w.string(4, s)
            case .fileContainingExtension(let m): w.message(5, m)
            case .allExtensionNumbersOfType(let s): w.string(6, s)
            case .listServices(let s): w.string(7, s)
            case nil: break
            }
        }
    }

    public struct ExtensionRequest: ProtocolMessage, CMessage {
        public var containingType: String
        public var extensionNumber: Int32

        public init(containingType: String = "", extensionNumber: Int32 = 0) {
            self.containingType = containingType
            self.extensionNumber = extensionNumber
        }

        public static let protoMessageName = "grpc.reflection.v1alpha.ExtensionRequest"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            containingType = r.string(1)
            extensionNumber = r.int32(2)
        }
        func write(to w: MessageWriter) {
            w.string(1, containingType)
            w.int32(2, extensionNumber)
        }
    }

    public struct ServerReflectionResponse: ProtocolMessage, CMessage {
        public enum MessageResponse: Sendable, Equatable {
            case fileDescriptorResponse(FileDescriptorResponse)
            case allExtensionNumbersResponse(ExtensionNumberResponse)
            case listServicesResponse(ListServiceResponse)
            case errorResponse(ErrorResponse)
        }
        public var validHost: String
        public var originalRequest: ServerReflectionRequest?
        public var messageResponse: MessageResponse?

        public init(validHost: String = "", originalRequest: ServerReflectionRequest? = nil, messageResponse: MessageResponse? = nil) {
            self.validHost = validHost
            self.originalRequest = originalRequest
            self.messageResponse = messageResponse
        }

        public static let protoMessageName = "grpc.reflection.v1alpha.ServerReflectionResponse"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            validHost = r.string(1)
            originalRequest = r.message(2)
            if let m = r.message(4, FileDescriptorResponse.self) { messageResponse = .fileDescriptorResponse(m) }
            else if let m = r.message(5, ExtensionNumberResponse.self) { messageResponse = .allExtensionNumbersResponse(m) }
            else if let m = r.message(6, ListServiceResponse.self) { messageResponse = .listServicesResponse(m) }
            else if let m = r.message(7, ErrorResponse.self) { messageResponse = .errorResponse(m) }
        }
        func write(to w: MessageWriter) {
            w.string(1, validHost)
            w.message(2, originalRequest)
            switch messageResponse {
            case .fileDescriptorResponse(let m): w.message(4, m)
            case .allExtensionNumbersResponse(let m): w.message(5, m)
            case .listServicesResponse(let m): w.message(6, m)
            case .errorResponse(let m): w.message(7, m)
            case nil: break
            }
        }
    }

    public struct FileDescriptorResponse: ProtocolMessage, CMessage {
        /// Serialized `google.protobuf.FileDescriptorProto`s (see `DescriptorRegistry`).
        public var fileDescriptorProto: [[UInt8]]
        public init(fileDescriptorProto: [[UInt8]] = []) { self.fileDescriptorProto = fileDescriptorProto }

        public static let protoMessageName = "grpc.reflection.v1alpha.FileDescriptorResponse"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) { fileDescriptorProto = r.bytesList(1) }
        func write(to w: MessageWriter) { w.bytesList(1, fileDescriptorProto) }
    }

    public struct ExtensionNumberResponse: ProtocolMessage, CMessage {
        public var baseTypeName: String
        public var extensionNumber: [Int32]

        public init(baseTypeName: String = "", extensionNumber: [Int32] = []) {
            self.baseTypeName = baseTypeName
            self.extensionNumber = extensionNumber
        }

        public static let protoMessageName = "grpc.reflection.v1alpha.ExtensionNumberResponse"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            baseTypeName = r.string(1)
            extensionNumber = r.int32s(2)
        }
        func write(to w: MessageWriter) {
            w.string(1, baseTypeName)
            w.int32s(2, extensionNumber)
        }
    }

    public struct ListServiceResponse: ProtocolMessage, CMessage {
        public var service: [ServiceResponse]
        public init(service: [ServiceResponse] = []) { self.service = service }

        public static let protoMessageName = "grpc.reflection.v1alpha.ListServiceResponse"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) { service = r.messages(1) }
        func write(to w: MessageWriter) { w.messages(1, service) }
    }

    public struct ServiceResponse: ProtocolMessage, CMessage {
        /// Fully qualified, e.g. `pspctl.v1.Evaluator`.
        public var name: String
        public init(name: String = "") { self.name = name }

        public static let protoMessageName = "grpc.reflection.v1alpha.ServiceResponse"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) { name = r.string(1) }
        func write(to w: MessageWriter) { w.string(1, name) }
    }

    public struct ErrorResponse: ProtocolMessage, CMessage {
        /// A gRPC status code (NOT_FOUND = 5 …).
        public var errorCode: Int32
        public var errorMessage: String

        public init(errorCode: Int32 = 0, errorMessage: String = "") {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
        }

        public static let protoMessageName = "grpc.reflection.v1alpha.ErrorResponse"
        static let cDescriptor = CDescriptor.named(protoMessageName)
        public init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError) { self = try CCodec.decode(bytes, limits: limits) }
        public func encoded() -> [UInt8] { CCodec.encode(self) }
        init(reader r: MessageReader) {
            errorCode = r.int32(1)
            errorMessage = r.string(2)
        }
        func write(to w: MessageWriter) {
            w.int32(1, errorCode)
            w.string(2, errorMessage)
        }
    }
}
