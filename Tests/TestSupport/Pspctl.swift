import Foundation

/// Runs the real `pspctl` binary built next to the test bundle, the way a user or script would.
public enum Pspctl {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status; self.stdout = stdout; self.stderr = stderr
        }
        public var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    /// The directory holding the built products (the test bundle lives there too).
    public static var productsDirectory: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // On Linux the test runner is `<products>/pspctlPackageTests.xctest`; on macOS a bundle inside it.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("pspctl").path),
              dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }

    public static var executable: URL { productsDirectory.appendingPathComponent("pspctl") }

    /// The package root (for `examples/` and `../shared/...` paths).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Falco 0.31.1's own rules files, outside the project (never copied into it).
    public static func falcoRulesFile(_ name: String) -> String {
        packageRoot.appendingPathComponent("../shared/fixtures/falco-0.31.1/rules/\(name)").standardized.path
    }

    /// Runs `pspctl args…` with `stdin` fed to standard input, TZ=UTC so alert times are stable.
    @discardableResult
    public static func run(_ arguments: [String], stdin: String? = nil,
                           environment extra: [String: String] = [:],
                           currentDirectory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "UTC"
        for (k, v) in extra { env[k] = v }
        process.environment = env
        if let dir = currentDirectory { process.currentDirectoryURL = dir }
        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        try process.run()
        // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = outPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = errPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let stdin { inPipe.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inPipe.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Writes `contents` to a fresh temporary file and returns its path.
    public static func temporaryFile(_ contents: String, suffix: String = ".yaml") throws -> String {
        let url = try ScratchDirectory.make().appendingPathComponent("file\(suffix)")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
