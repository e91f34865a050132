import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a child process the way `Pspctl.run` does, but learns that child's own peak resident memory and
/// wall time, and kills it when it outlives a time limit. Hardening tests use it to assert "bounded time
/// and memory" on hostile inputs.
///
/// The peak is measured by GNU time (`/usr/bin/time`, Debian's `time`), which forks the child from its own
/// small process: Linux carries the high-water mark of the address space a process had before `exec` into
/// its `ru_maxrss`, so a child spawned straight from the test process (vfork shares its memory) would
/// report the test process's own peak — hundreds of MB under AddressSanitizer.
public enum MeasuredRun {
    /// CPU-time bounds are multiplied by this: 3 in the AddressSanitizer suite (scripts/test.sh sets
    /// ASAN_OPTIONS for it), whose debug binaries run a few times slower; 1 otherwise. The bounds exist to
    /// catch super-linear behaviour, which is orders of magnitude beyond them either way.
    public static let timeScale: Double = ProcessInfo.processInfo.environment["ASAN_OPTIONS"] == nil ? 1 : 3

    /// Peak-RSS bounds of runs that hold a large buffer (a 64 MiB line) are multiplied by this: 1.5 in the
    /// AddressSanitizer suite, whose allocator keeps freed memory in quarantine and rounds allocations up
    /// (the endless-line run peaks at ~100 MB plain, ~200 MB sanitized); 1 otherwise.
    public static let memoryScale: Double = timeScale == 1 ? 1 : 1.5

    /// The wall time after which a child is killed is its `timeLimit` times this: `timeScale`, and twice
    /// that again for a machine busy with other work (the limit only stops a runaway child).
    static let killScale = timeScale * 2

    public struct Result: Sendable {
        public var status: Int32
        /// The signal that ended the child, or nil when it exited.
        public var signal: Int32?
        public var stdout: String
        public var stderr: String
        /// The child's peak resident set size in bytes (`ru_maxrss`).
        public var peakRSSBytes: Int
        public var seconds: Double
        /// CPU time (user + system) of the child and what it waited for. The hardening bounds use it: a
        /// machine busy with other work stretches wall time several-fold, CPU time hardly at all.
        public var cpuSeconds: Double
        /// True when the child was killed for exceeding the time limit.
        public var timedOut: Bool
        public var peakRSSMegabytes: Double { Double(peakRSSBytes) / 1_048_576 }
    }

    /// Runs `executable arguments…` with `stdin` (a file path, or nil for an empty pipe that is closed at
    /// once), TZ=UTC, killing it with SIGKILL after `timeLimit` seconds (times `killScale`).
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

        let timeFile = try temporaryOutput()
        defer { unlink(timeFile) }
        let measurer = "/usr/bin/time"
        let measured = FileManager.default.isExecutableFile(atPath: measurer)
        let command = measured ? [measurer, "-f", "%M %x", "-o", timeFile, executable] + arguments : [executable] + arguments
        let argv = command.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        // Its own process group, so that a timeout kills the measured child too.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let start = Date()
        let spawned = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw NSError(domain: "MeasuredRun", code: Int(spawned),
                          userInfo: [NSLocalizedDescriptionKey: "cannot start \(command[0]): \(String(cString: strerror(spawned)))"])
        }
        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        while true {
            let reaped = wait4(pid, &status, WNOHANG, &usage)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { break }
            if Date().timeIntervalSince(start) > timeLimit * killScale, !timedOut {
                timedOut = true
                kill(-pid, SIGKILL)
            }
            usleep(5_000)
        }
        let seconds = Date().timeIntervalSince(start)
        var exited = (status & 0x7f) == 0
        var exitStatus = exited ? (status >> 8) & 0xff : -1
        var signal: Int32? = exited ? nil : status & 0x7f
        var peakKB = Int(usage.ru_maxrss)
        if measured, exited {
            // "%M %x" (peak KB, exit status), after "Command terminated by signal N" when a signal ended it.
            let report = ((try? String(contentsOfFile: timeFile, encoding: .utf8)) ?? "").split(separator: "\n")
            if let last = report.last?.split(separator: " "), last.count == 2, let kb = Int(last[0]), let code = Int32(last[1]) {
                peakKB = kb
                exitStatus = code
            }
            if let line = report.first(where: { $0.hasPrefix("Command terminated by signal ") }),
               let number = Int32(line.dropFirst("Command terminated by signal ".count)) {
                exited = false
                exitStatus = -1
                signal = number
            }
        }
        return Result(
            status: exitStatus,
            signal: signal,
            stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "",
            peakRSSBytes: peakKB * 1024,
            seconds: seconds,
            cpuSeconds: Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000,
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
