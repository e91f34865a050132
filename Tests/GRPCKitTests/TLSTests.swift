import Foundation
import GRPCKit
import XCTest

/// TLS and mTLS through the core's credentials, with a throwaway CA made by `openssl` at test time.
final class TLSTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("grpckit-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try makeCA("ca")
        try makeCA("other-ca")
        try makeCertificate("server", signedBy: "ca", extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1")
        try makeCertificate("client", signedBy: "ca", extensions: "extendedKeyUsage=clientAuth")
        try makeCertificate("stranger", signedBy: "other-ca", extensions: "extendedKeyUsage=clientAuth")
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 { throw XCTSkip("openssl \(arguments.first ?? "") failed; is openssl installed?") }
    }

    private func makeCA(_ name: String) throws {
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "\(name).key", "-out", "\(name).pem",
                     "-days", "1", "-subj", "/CN=\(name)"])
    }

    private func makeCertificate(_ name: String, signedBy ca: String, extensions: String) throws {
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr",
                     "-subj", "/CN=\(name == "server" ? "localhost" : name)"])
        try String(extensions + "\n").write(to: directory.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-CAcreateserial",
                     "-out", "\(name).pem", "-days", "1", "-extfile", "\(name).ext"])
    }

    private func pem(_ file: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
    }

    private func server(requireClientCertificate: Bool) throws -> Server {
        try EchoService.makeServer(ServerOptions(credentials: .tls(
            certificateChain: pem("server.pem"), privateKey: pem("server.key"),
            clientCA: requireClientCertificate ? pem("ca.pem") : nil)))
    }

    private func channel(_ port: Int, rootCA: String, client: String? = nil) throws -> Channel {
        try Channel(target: "127.0.0.1:\(port)", options: ChannelOptions(credentials: .tls(
            rootCA: pem(rootCA), clientCertificateChain: client.map { try pem("\($0).pem") },
            clientPrivateKey: client.map { try pem("\($0).key") }, serverNameOverride: "localhost")))
    }

    func testTLS() async throws {
        let server = try server(requireClientCertificate: false)
        let channel = try channel(server.port, rootCA: "ca.pem")
        let reply = try await channel.unary("/test.Echo/Unary", request: [1, 2, 3], timeout: .seconds(10))
        XCTAssertEqual(reply, [1, 2, 3])
        channel.close()
        await server.shutdown(grace: .seconds(1))
    }

    func testMutualTLSAccepted() async throws {
        let server = try server(requireClientCertificate: true)
        let channel = try channel(server.port, rootCA: "ca.pem", client: "client")
        let stream = try channel.makeBidirectionalStream("/test.Echo/Stream", timeout: .seconds(10))
        try await stream.send([9])
        let echoed = try await stream.receive()
        XCTAssertEqual(echoed, [9])
        stream.closeSend()
        let end = try await stream.receive()
        XCTAssertNil(end)
        channel.close()
        await server.shutdown(grace: .seconds(1))
    }

    func testMutualTLSRefusesAClientWithoutCertificate() async throws {
        let server = try server(requireClientCertificate: true)
        let channel = try channel(server.port, rootCA: "ca.pem")
        let error = await XCTAssertRPCError(.unavailable) {
            _ = try await channel.unary("/test.Echo/Unary", request: [1], timeout: .seconds(10))
        }
        print("mTLS without a client certificate: \(error.map(String.init(describing:)) ?? "-")")
        channel.close()
        await server.shutdown(grace: .seconds(1))
    }

    func testMutualTLSRefusesACertificateFromAnotherCA() async throws {
        let server = try server(requireClientCertificate: true)
        let channel = try channel(server.port, rootCA: "ca.pem", client: "stranger")
        await XCTAssertRPCError(.unavailable) {
            _ = try await channel.unary("/test.Echo/Unary", request: [1], timeout: .seconds(10))
        }
        channel.close()
        await server.shutdown(grace: .seconds(1))
    }

    func testClientRefusesAServerItsCADidNotSign() async throws {
        let server = try server(requireClientCertificate: false)
        let channel = try channel(server.port, rootCA: "other-ca.pem")
        await XCTAssertRPCError(.unavailable) {
            _ = try await channel.unary("/test.Echo/Unary", request: [1], timeout: .seconds(10))
        }
        channel.close()
        await server.shutdown(grace: .seconds(1))
    }
}
