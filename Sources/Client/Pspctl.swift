import ArgumentParser
import Foundation
import Logging

/// `pspctl`: dry-run pod security policies against what a cluster really does.
@main
struct Pspctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pspctl",
        abstract: "Dry-run pod security policies as Falco rules, without blocking anything.",
        discussion: """
        convert  turns a PodSecurityPolicy or a Pod Security Standards level into a Falco rules file.
        watch    evaluates Falco rules files (pspctl's or Falco's own) against Kubernetes audit logs \
        and prints an alert for every event a rule flags.

        Exit codes: 0 success; 1 some input was rejected (see stderr); 2 bad usage, a rules file or \
        policy that cannot be loaded, or an I/O error.
        """,
        version: "0.1.0",
        subcommands: [ConvertCommand.self, WatchCommand.self])

    /// Maps argument-parser's usage errors (64) to 2, the exit status scripts get for any bad invocation.
    static func main() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["PSPCTL_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
            return handler
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success || code.rawValue == 1 || code.rawValue == 2 {
                exit(withError: error)
            }
            // Usage and validation errors: print argument-parser's message, exit 2.
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(2)
        }
    }
}

/// Exits with a status after printing a message on stderr (`pspctl <command>: <message>`).
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var status: Int32
    var description: String { message }
}

func fail(_ command: String, _ message: String, status: Int32) -> ExitCode {
    FileHandle.standardError.write(Data("pspctl \(command): \(message)\n".utf8))
    return ExitCode(status)
}
