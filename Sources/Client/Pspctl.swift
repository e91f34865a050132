import ArgumentParser
import AuditPipeline
import Foundation
import GRPCKit
import K8sAuditFields
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
        report   shows which workloads, in which namespaces, candidate policies (Pod Security Standards \
        levels, PSPs, rules files) would reject, from an audit log, side by side.
        check    judges manifests (files, directories, `helm template` output) by the same policies; \
        exits 1 when a workload would be rejected (a CI gate).
        health   checks that a pspctl service (ConverterService …) is serving.

        Exit codes: 0 success; 1 some input was rejected (see stderr); 2 bad usage, a rules file or \
        policy that cannot be loaded, or an I/O error (a log that cannot be read included).

        Examples:
          pspctl convert --psp-path examples/psp-no-privileged.yaml --rules-path psp_rules.yaml
          pspctl watch --rules psp_rules.yaml --audit-log /var/log/kubernetes/audit.log
          pspctl watch --rules k8s_audit_rules.yaml --rules psp_rules.yaml --audit-log - --output json < audit.jsonl
          pspctl report --audit-log audit.jsonl --policy pss:baseline:latest --policy pss:restricted:v1.30
          helm template web ./chart | pspctl check -f - --policy pss:restricted:latest
        """,
        version: "0.1.0",
        subcommands: [ConvertCommand.self, WatchCommand.self, ReportCommand.self, CheckCommand.self, HealthCommand.self])

    /// Without a subcommand there is nothing to do: a usage error (usage on stderr, exit status 2).
    func run() throws {
        throw ValidationError("a subcommand is required: convert, watch, report, check or health")
    }

    /// Maps argument-parser's usage errors (64) to 2, the exit status scripts get for any bad invocation.
    static func main() {
        reserveStandardInput()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["PSPCTL_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
            return handler
        }
        // The gRPC core's own lines (a refused TLS handshake …) would interleave with pspctl's messages,
        // which already say what went wrong: they are debug records (PSPCTL_LOG_LEVEL=debug shows them).
        let core = Logger(label: "grpc-core")
        CoreLog.redirect { record in core.debug("\(record.file):\(record.line): \(record.message)") }
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

extension Pspctl {
    /// When the process starts with standard input closed, records it (reading `-` is then a read error)
    /// and puts /dev/null on descriptor 0, so that no file opened later (a rules file) is taken for it.
    static func reserveStandardInput() {
        // libgrpc's static initializers (GRPCKit, for --converter) run before main and open an eventfd,
        // which takes descriptor 0 when the process started without one: that is a closed standard input
        // too, and the descriptor is gRPC's, so it is left alone.
        if isGRPCEventFD(0) {
            AuditLogReader.standardInputWasClosed = true
            return
        }
        guard fcntl(0, F_GETFD) == -1, errno == EBADF else { return }
        AuditLogReader.standardInputWasClosed = true
        let descriptor = open("/dev/null", O_RDONLY)
        if descriptor > 0 {
            dup2(descriptor, 0)
            close(descriptor)
        }
    }
}

extension Pspctl {
    /// True when `descriptor` is an eventfd opened before main (Linux: `/proc/self/fd/N` names it).
    static func isGRPCEventFD(_ descriptor: Int32) -> Bool {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)") else {
            return false
        }
        return target == "anon_inode:[eventfd]"
    }
}

/// Exits with a status after printing a message on stderr (`pspctl <command>: <message>`).
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var status: Int32
    var description: String { message }
}

/// Messages quote input (file names, rules items, policies): their control characters are escaped, line
/// breaks of multi-line messages (a rules item quoted by a load error) kept.
func fail(_ command: String, _ message: String, status: Int32) -> ExitCode {
    FileHandle.standardError.write(Data("pspctl \(command): \(TextEscaping.escapedKeepingLineBreaks(message))\n".utf8))
    return ExitCode(status)
}
