import GRPCKit
import PspctlProtocol

/// `grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo` on a GRPCKit server, from the
/// descriptors embedded in PspctlProtocol (`DescriptorRegistry.embedded`).
///
/// Each request gets one response, echoing it: `list_services` names `services` (those this server
/// serves); `file_by_filename` and `file_containing_symbol` give the file and its transitive
/// dependencies; `all_extension_numbers_of_type` an empty list for a known message (proto3 has no
/// extensions); anything unknown an `error_response` (NOT_FOUND, or INVALID_ARGUMENT for a request with
/// nothing set), as the reflection protocol wants — the stream goes on. Bytes that are not a
/// `ServerReflectionRequest` end the stream with INVALID_ARGUMENT.
public enum ReflectionService {
    public static func register(on server: Server, services: [String],
                                registry: DescriptorRegistry = .embedded) {
        server.register(bidirectionalStream: MethodPath.serverReflectionInfo) { stream, _ throws(RPCError) in
            while let bytes = try await stream.receive() {
                let request: GRPCReflectionV1Alpha.ServerReflectionRequest
                do { request = try .init(decoding: bytes) }
                catch { throw RPCError(.invalidArgument, "the request is not a ServerReflectionRequest: \(error)") }
                let response = GRPCReflectionV1Alpha.ServerReflectionResponse(
                    validHost: request.host, originalRequest: request,
                    messageResponse: answer(request.messageRequest, services: services, registry: registry))
                try await stream.send(response.encoded())
            }
        }
    }

    static func answer(_ request: GRPCReflectionV1Alpha.ServerReflectionRequest.MessageRequest?, services: [String],
                       registry: DescriptorRegistry) -> GRPCReflectionV1Alpha.ServerReflectionResponse.MessageResponse {
        typealias R = GRPCReflectionV1Alpha
        func files(_ protos: [[UInt8]]?, _ missing: String) -> R.ServerReflectionResponse.MessageResponse {
            guard let protos else { return error(.notFound, missing) }
            return .fileDescriptorResponse(R.FileDescriptorResponse(fileDescriptorProto: protos))
        }
        switch request {
        case .listServices?:
            return .listServicesResponse(R.ListServiceResponse(service: services.map { R.ServiceResponse(name: $0) }))
        case .fileByFilename(let name)?:
            return files(registry.fileDescriptorProtos(named: name), "file not found: \(name)")
        case .fileContainingSymbol(let symbol)?:
            return files(registry.fileDescriptorProtos(containingSymbol: symbol), "symbol not found: \(symbol)")
        case .fileContainingExtension(let request)?:
            return error(.notFound, "extension not found: \(request.containingType) \(request.extensionNumber)")
        case .allExtensionNumbersOfType(let type)?:
            guard registry.file(containingSymbol: type) != nil else { return error(.notFound, "type not found: \(type)") }
            return .allExtensionNumbersResponse(R.ExtensionNumberResponse(baseTypeName: type, extensionNumber: []))
        case nil:
            return error(.invalidArgument, "the request names nothing to look up")
        }
    }

    private static func error(_ code: StatusCode, _ message: String)
        -> GRPCReflectionV1Alpha.ServerReflectionResponse.MessageResponse {
        .errorResponse(GRPCReflectionV1Alpha.ErrorResponse(errorCode: code.rawValue, errorMessage: message))
    }
}
