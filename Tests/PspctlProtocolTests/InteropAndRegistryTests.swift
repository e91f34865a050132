import Foundation
import XCTest
@testable import PspctlProtocol

/// Python's protobuf (grpcio-tools' generated modules, and the official grpcio-health-checking and
/// grpcio-reflection messages) on the other side of the wire, and the descriptors reflection serves.
final class InteropAndRegistryTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.currentDirectoryURL = Self.packageRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testPythonDecodesSwiftAndSwiftDecodesPython() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pspctl-protocol-interop-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let swiftDir = work.appendingPathComponent("swift")
        let descriptorDir = work.appendingPathComponent("descriptors")
        try FileManager.default.createDirectory(at: swiftDir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: descriptorDir, withIntermediateDirectories: true)
        for (name, message) in InteropCases.cases {
            try Data(message.encoded()).write(to: swiftDir.appendingPathComponent(name + ".bin"))
        }
        // The registry's files in its order (dependencies first), numbered so Python adds them in order.
        for (i, file) in DescriptorRegistry.embedded.files.enumerated() {
            try Data(file.serialized).write(to: descriptorDir.appendingPathComponent(String(format: "%02d.pb", i)))
        }

        let script = Self.packageRoot.appendingPathComponent("Tests/PspctlProtocolTests/python/interop.py").path
        let (status, output) = try run("python3", [script, Self.packageRoot.appendingPathComponent("protos").path, work.path])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("python: checked \(InteropCases.cases.count) cases encoded by Swift"), output)

        // Swift decodes what Python encoded, field by field (Equatable), and encodes the same bytes back.
        for (name, expected) in InteropCases.cases {
            let bytes = try [UInt8](Data(contentsOf: work.appendingPathComponent("python/\(name).bin")))
            XCTAssertTrue(try decodes(bytes, to: expected), name)
        }
    }

    private func decodes<M: ProtocolMessage>(_ bytes: [UInt8], to expected: M) throws -> Bool {
        let decoded = try M(decoding: bytes)
        XCTAssertEqual(decoded, expected, M.protoMessageName)
        XCTAssertEqual(decoded.encoded(), bytes, "\(M.protoMessageName): same bytes as Python's encoding")
        return decoded == expected
    }

    func testRegistryFilesAndDependencies() throws {
        let registry = DescriptorRegistry.embedded
        XCTAssertEqual(Set(registry.fileNames), ["pspctl/v1/types.proto", "pspctl/v1/converter.proto", "pspctl/v1/evaluator.proto",
                                                 "grpc/health/v1/health.proto", "grpc/reflection/v1alpha/reflection.proto"])
        // Every file comes after its dependencies.
        for (i, file) in registry.files.enumerated() {
            for dependency in file.dependencies {
                XCTAssertLessThan(try XCTUnwrap(registry.fileNames.firstIndex(of: dependency)), i)
            }
        }
        let evaluator = try XCTUnwrap(registry.fileDescriptorProtos(named: "pspctl/v1/evaluator.proto"))
        XCTAssertEqual(evaluator.count, 2)
        XCTAssertEqual(evaluator[0], registry.file(named: "pspctl/v1/evaluator.proto")?.serialized)
        XCTAssertEqual(evaluator[1], registry.file(named: "pspctl/v1/types.proto")?.serialized)
        XCTAssertEqual(registry.fileDescriptorProtos(named: "grpc/health/v1/health.proto")?.count, 1)
        XCTAssertNil(registry.fileDescriptorProtos(named: "nope.proto"))
    }

    func testRegistrySymbols() throws {
        let registry = DescriptorRegistry.embedded
        let expectations: [(String, String)] = [
            ("pspctl.v1.Evaluator", "pspctl/v1/evaluator.proto"),
            (".pspctl.v1.Evaluator", "pspctl/v1/evaluator.proto"),
            ("pspctl.v1.Evaluator.Evaluate", "pspctl/v1/evaluator.proto"),
            ("pspctl.v1.Converter", "pspctl/v1/converter.proto"),
            ("pspctl.v1.ConvertRequest.psp", "pspctl/v1/converter.proto"),
            ("pspctl.v1.ConvertRequest.policy", "pspctl/v1/converter.proto"),
            ("pspctl.v1.Expression", "pspctl/v1/types.proto"),
            ("pspctl.v1.Priority", "pspctl/v1/types.proto"),
            ("pspctl.v1.PRIORITY_DEBUG", "pspctl/v1/types.proto"),
            ("grpc.health.v1.Health", "grpc/health/v1/health.proto"),
            ("grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto"),
            ("grpc.health.v1.HealthCheckResponse.SERVING", "grpc/health/v1/health.proto"),
            ("grpc.reflection.v1alpha.ServerReflection", "grpc/reflection/v1alpha/reflection.proto"),
        ]
        for (symbol, file) in expectations {
            XCTAssertEqual(registry.file(containingSymbol: symbol)?.name, file, symbol)
        }
        XCTAssertNil(registry.file(containingSymbol: "pspctl.v1.Nope"))
        XCTAssertNil(registry.fileDescriptorProtos(containingSymbol: "pspctl"))
        XCTAssertEqual(registry.fileDescriptorProtos(containingSymbol: "pspctl.v1.Converter.Convert")?.count, 2)
    }

    func testServicesAndMethodPaths() throws {
        let registry = DescriptorRegistry.embedded
        XCTAssertEqual(Set(registry.serviceNames), [ServiceName.converter, ServiceName.evaluator, ServiceName.health, ServiceName.serverReflection])
        let paths = Set(registry.files.flatMap(\.services).flatMap(\.methods).map(\.path))
        XCTAssertEqual(paths, [MethodPath.convert, MethodPath.loadRuleSet, MethodPath.listRuleSets, MethodPath.deleteRuleSet,
                               MethodPath.evaluate, MethodPath.healthCheck, MethodPath.healthWatch, MethodPath.serverReflectionInfo])
        let evaluate = try XCTUnwrap(registry.service(named: ServiceName.evaluator)?.methods.first { $0.name == "Evaluate" })
        XCTAssertEqual(evaluate.inputType, PspctlV1.EvaluateRequest.protoMessageName)
        XCTAssertEqual(evaluate.outputType, PspctlV1.EvaluateResponse.protoMessageName)
        XCTAssertTrue(evaluate.clientStreaming && evaluate.serverStreaming)
        let watch = try XCTUnwrap(registry.service(named: ServiceName.health)?.methods.first { $0.name == "Watch" })
        XCTAssertFalse(watch.clientStreaming)
        XCTAssertTrue(watch.serverStreaming)
        // Every method's messages have Swift types.
        let swiftNames = Set(RoundTripTests.allTypes.map { $0.protoMessageName })
        for method in registry.files.flatMap(\.services).flatMap(\.methods) {
            XCTAssertTrue(swiftNames.contains(method.inputType) && swiftNames.contains(method.outputType), method.path)
        }
    }

    func testRegistryRejectsMalformedSets() {
        XCTAssertNil(DescriptorRegistry(fileDescriptorSet: [0x0A, 0x05, 0x00]))
        XCTAssertNil(DescriptorRegistry(fileDescriptorSet: [0x08]))
        XCTAssertEqual(DescriptorRegistry(fileDescriptorSet: [])?.files.count, 0)
    }

    func testGeneratedCodeIsInSyncWithProtos() throws {
        let (status, output) = try run("bash", ["scripts/generate-protos.sh", "--check"])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("is up to date"), output)
    }
}
