import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a child process the way `Pspctl.run` does, but reaps it itself (`wait4`) so the test learns that
/// child's own peak resident memory and wall time, and kills it when it outlives a time limit. Hardening
/// tests use it to assert "bounded time and memory" on hostile inputs.
public enum MeasuredRun {
    public struct Result: Sendable {
        public var status: Int32
        /// The signal that ended the child, or nil when it exited.
        public var signal: Int32?
        public var stdout: String
        public var stderr: String
        /// The child's peak resident set size in bytes (`ru_maxrss`).
        public var peakRSSBytes: Int
        public var seconds: Double
        /// True when the child was killed for exceeding the time limit.
        public var timedOut: Bool
        public var peakRSSMegabytes: Double { Double(peakRSSBytes) / 1_048_576 }
    }

    /// Runs `executable arguments…` with `stdin` (a file path, or nil for an empty pipe that is closed at
    /// once), TZ=UTC, killing it with SIGKILL after `timeLimit` seconds.
    public static func run(_ executable: String, _ arguments: [String], stdinPath: String? = nil,
                           stdinText: String? = nil, environment extra: [String: String] = [:],
                           timeLimit: Double = 60) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "UTC"
        for (k, v) in extra { env[k] = v }
        let out = try temporaryOutput(), err = try temporaryOutput()
        defer { unlink(out); unlink(err) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var inputFile: String? = stdinPath
        var inputScratch: String?
        if inputFile == nil {
            let path = try temporaryOutput()
            try (stdinText ?? "").write(toFile: path, atomically: false, encoding: .utf8)
            inputFile = path
            inputScratch = path
        }
        defer { if let inputScratch { unlink(inputScratch) } }
        posix_spawn_file_actions_addopen(&actions, 0, inputFile!, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let start = Date()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw NSError(domain: "MeasuredRun", code: Int(spawned),
                          userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable): \(String(cString: strerror(spawned)))"])
        }
        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        while true {
            let reaped = wait4(pid, &status, WNOHANG, &usage)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { break }
            if Date().timeIntervalSince(start) > timeLimit, !timedOut {
                timedOut = true
                kill(pid, SIGKILL)
            }
            usleep(5_000)
        }
        let seconds = Date().timeIntervalSince(start)
        let exited = (status & 0x7f) == 0
        return Result(
            status: exited ? (status >> 8) & 0xff : -1,
            signal: exited ? nil : status & 0x7f,
            stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "",
            peakRSSBytes: Int(usage.ru_maxrss) * 1024,
            seconds: seconds,
            timedOut: timedOut)
    }

    /// `pspctl arguments…`, measured.
    public static func pspctl(_ arguments: [String], stdinPath: String? = nil, stdinText: String? = nil,
                              environment: [String: String] = [:], timeLimit: Double = 60) throws -> Result {
        try run(Pspctl.executable.path, arguments, stdinPath: stdinPath, stdinText: stdinText,
                environment: environment, timeLimit: timeLimit)
    }

    private static func temporaryOutput() throws -> String {
        try ScratchDirectory.make().appendingPathComponent("io").path
    }
}
