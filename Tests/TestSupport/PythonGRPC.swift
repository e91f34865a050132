import Foundation

/// The Python the independent gRPC clients run with: the first `python3` on PATH, when it imports grpcio,
/// grpcio-tools, grpcio-health-checking and grpcio-reflection (scripts/install-deps.sh installs them).
public enum PythonGRPC {
    public static let missing = "Python grpcio, grpcio-tools, -health-checking, -reflection are not importable (scripts/install-deps.sh installs them)"

    /// nil when there is no such Python.
    public static func interpreter() -> URL? {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("python3") }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else { return nil }
        let probe = Process()
        probe.executableURL = python
        probe.arguments = ["-c", "import grpc, grpc_tools, grpc_health.v1, grpc_reflection.v1alpha"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return nil }
        probe.waitUntilExit()
        return probe.terminationStatus == 0 ? python : nil
    }

    /// Runs `script` (a client from a test folder's `python/`) with `python`: the package's `protos/`
    /// folder, then `arguments`. Returns its exit status and its stdout and stderr together.
    public static func runClient(_ python: URL, script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let client = Process()
        client.executableURL = python
        client.arguments = [script, Pspctl.packageRoot.appendingPathComponent("protos").path] + arguments
        let output = Pipe()
        client.standardOutput = output
        client.standardError = output
        try client.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        client.waitUntilExit()
        return (client.terminationStatus, text)
    }
}
