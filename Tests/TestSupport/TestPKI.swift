import Foundation

/// A throwaway PKI made by `openssl` at test time (nothing is committed), in a scratch directory:
///
/// - `ca.pem`/`ca.key` and `other-ca.pem`/`other-ca.key`: two CAs;
/// - `server.pem`/`server.key`: signed by `ca`, for DNS:localhost and IP:127.0.0.1 (serverAuth);
/// - `elsewhere.pem`/`elsewhere.key`: signed by `ca`, for DNS:elsewhere.example only (a name mismatch);
/// - `client.pem`/`client.key`: signed by `ca` (clientAuth);
/// - `stranger.pem`/`stranger.key`: signed by `other-ca` (clientAuth).
/// - `intermediate.pem`: a CA signed by `ca`; `chained.pem`/`chained.key`: signed by it, for localhost and
///   127.0.0.1; `chained-chain.pem`: `chained.pem` then `intermediate.pem`.
public struct TestPKI: Sendable {
    public let directory: URL

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Makes every file above (EC P-256 keys, valid for 2 days). Throws `Unavailable` when openssl cannot run.
    public init() throws {
        directory = try ScratchDirectory.make()
        try ca("ca")
        try ca("other-ca")
        try certificate("server", commonName: "pspctl-service", signedBy: "ca",
                        extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth")
        try certificate("elsewhere", commonName: "elsewhere.example", signedBy: "ca",
                        extensions: "subjectAltName=DNS:elsewhere.example\nextendedKeyUsage=serverAuth")
        try certificate("client", commonName: "pspctl-client", signedBy: "ca", extensions: "extendedKeyUsage=clientAuth")
        try certificate("stranger", commonName: "stranger", signedBy: "other-ca", extensions: "extendedKeyUsage=clientAuth")
        try certificate("intermediate", commonName: "intermediate", signedBy: "ca",
                        extensions: "basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign")
        try certificate("chained", commonName: "chained", signedBy: "intermediate",
                        extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth")
        let chain = try String(contentsOfFile: path("chained.pem"), encoding: .utf8)
            + String(contentsOfFile: path("intermediate.pem"), encoding: .utf8)
        try chain.write(toFile: path("chained-chain.pem"), atomically: true, encoding: .utf8)
    }

    /// The path of one of its files, e.g. `path("server.pem")`.
    public func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

    private func ca(_ name: String) throws {
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2", "-subj", "/CN=\(name)"])
    }

    private func certificate(_ name: String, commonName: String, signedBy issuer: String, extensions: String) throws {
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(commonName)"])
        try (extensions + "\n").write(to: directory.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "\(issuer).pem", "-CAkey", "\(issuer).key",
                     "-CAcreateserial", "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext"])
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do { try process.run() } catch { throw Unavailable(description: "cannot run openssl: \(error)") }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 127 { throw Unavailable(description: "openssl is not installed") }
        guard process.terminationStatus == 0 else {
            throw Unavailable(description: "openssl \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }
}

/// curl over https with its exit status and error text, for the handshakes that must fail.
public enum CurlTLS {
    public struct Result: Sendable {
        /// curl's exit status: 0, or e.g. 35 (handshake), 56 (receive), 60 (server certificate).
        public var exit: Int32
        /// The HTTP status, 0 when there was no answer.
        public var status: Int
        public var body: String
        public var stderr: String
    }

    /// `curl -sS` with `arguments`; gives up after 20 s.
    public static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-sS", "--max-time", "20", "-o", "-", "-w", "\n%{http_code}"] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var errorText = Data()
        group.enter()
        DispatchQueue.global().async {
            errorText = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        var text = String(decoding: data, as: UTF8.self)
        let newline = text.lastIndex(of: "\n") ?? text.startIndex
        let status = Int(text[text.index(after: newline)...].trimmingCharacters(in: .whitespaces)) ?? 0
        text = String(text[..<newline])
        return Result(exit: process.terminationStatus, status: status, body: text,
                      stderr: String(decoding: errorText, as: UTF8.self))
    }
}
