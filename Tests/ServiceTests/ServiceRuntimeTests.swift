import Foundation
import GRPCKit
import PspctlProtocol
import ServiceRuntime
import XCTest

/// ServiceRuntime's health and reflection services on an in-process GRPCKit server.
final class ServiceRuntimeTests: XCTestCase {
    private typealias Status = GRPCHealthV1.HealthCheckResponse.ServingStatus

    func testHealthWatchStreamsChangesAndEndsWhenTheBoardCloses() async throws {
        let board = HealthStatusBoard()
        board.set(.serving, for: "pspctl.v1.Converter")
        let server = try Server()
        HealthService.register(on: server, board: board)
        try server.start()
        let channel = try Channel(target: "127.0.0.1:\(server.port)")
        let stream = try channel.makeBidirectionalStream(MethodPath.healthWatch, timeout: .seconds(20))
        try await stream.send(GRPCHealthV1.HealthCheckRequest(service: "pspctl.v1.Converter").encoded())
        stream.closeSend()
        func next() async throws -> Status? {
            guard let bytes = try await stream.receive() else { return nil }
            return try GRPCHealthV1.HealthCheckResponse(decoding: bytes).status
        }
        let s1 = try await next(); XCTAssertEqual(s1, .serving)
        board.set(.notServing, for: "pspctl.v1.Converter")
        let s2 = try await next(); XCTAssertEqual(s2, .notServing)
        board.set(.serving, for: "pspctl.v1.Converter")
        let s3 = try await next(); XCTAssertEqual(s3, .serving)
        board.close()
        let s4 = try await next(); XCTAssertNil(s4)
        let final = await stream.status(); XCTAssertEqual(final.code, .ok)

        // An unknown service: Check is NOT_FOUND, Watch sends SERVICE_UNKNOWN.
        do {
            _ = try await channel.unary(MethodPath.healthCheck, request: GRPCHealthV1.HealthCheckRequest(service: "x").encoded(),
                                        timeout: .seconds(10))
            XCTFail("unknown service answered")
        } catch {
            XCTAssertEqual(error.code, .notFound)
        }
        let unknown = try channel.makeBidirectionalStream(MethodPath.healthWatch, timeout: .seconds(20))
        try await unknown.send(GRPCHealthV1.HealthCheckRequest(service: "x").encoded())
        let firstBytes = try await unknown.receive(); let first = try XCTUnwrap(firstBytes)
        XCTAssertEqual(try GRPCHealthV1.HealthCheckResponse(decoding: first).status, .serviceUnknown)
        channel.close()
        await server.shutdown(grace: .seconds(1))
    }

    func testReflectionAnswersAndErrors() async throws {
        let server = try Server()
        ReflectionService.register(on: server, services: [ServiceName.converter, ServiceName.health])
        try server.start()
        let channel = try Channel(target: "127.0.0.1:\(server.port)")
        let stream = try channel.makeBidirectionalStream(MethodPath.serverReflectionInfo, timeout: .seconds(20))
        typealias R = GRPCReflectionV1Alpha
        func ask(_ request: R.ServerReflectionRequest.MessageRequest?) async throws -> R.ServerReflectionResponse.MessageResponse? {
            try await stream.send(R.ServerReflectionRequest(host: "h", messageRequest: request).encoded())
            let bytes = try await stream.receive(); let response = try R.ServerReflectionResponse(decoding: try XCTUnwrap(bytes))
            XCTAssertEqual(response.validHost, "h")
            XCTAssertEqual(response.originalRequest?.messageRequest, request)
            return response.messageResponse
        }
        let listed = try await ask(.listServices(""))
        XCTAssertEqual(listed, .listServicesResponse(R.ListServiceResponse(service: [
            R.ServiceResponse(name: ServiceName.converter), R.ServiceResponse(name: ServiceName.health)])))
        let containing = try await ask(.fileContainingSymbol("pspctl.v1.Converter"))
        guard case .fileDescriptorResponse(let files)? = containing else {
            return XCTFail("no file for pspctl.v1.Converter")
        }
        XCTAssertEqual(files.fileDescriptorProto, DescriptorRegistry.embedded.fileDescriptorProtos(containingSymbol: "pspctl.v1.Converter"))
        let byName = try await ask(.fileByFilename("pspctl/v1/types.proto"))
        guard case .fileDescriptorResponse? = byName else {
            return XCTFail("no pspctl/v1/types.proto")
        }
        for request: R.ServerReflectionRequest.MessageRequest? in [.fileByFilename("nope.proto"), .fileContainingSymbol("pspctl.v1.Nope"),
                                                                   .fileContainingExtension(R.ExtensionRequest(containingType: "x", extensionNumber: 1))] {
            let answer = try await ask(request)
            guard case .errorResponse(let error)? = answer else { return XCTFail("\(String(describing: request)) answered") }
            XCTAssertEqual(error.errorCode, StatusCode.notFound.rawValue)
        }
        let emptyAnswer = try await ask(nil)
        guard case .errorResponse(let empty)? = emptyAnswer else { return XCTFail("an empty request answered") }
        XCTAssertEqual(empty.errorCode, StatusCode.invalidArgument.rawValue)
        stream.closeSend()
        let end = try await stream.receive()
        XCTAssertNil(end)
        channel.close()
        await server.shutdown(grace: .seconds(1))
    }
}
