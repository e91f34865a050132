import ArgumentParser
import EvaluationService
import Foundation
import GRPCKit
import Logging

/// `EvaluatorService`: serves pspctl.v1.Evaluator. Thin: options, logging, the server's lifetime; the
/// service is EvaluationService's.
@main
struct EvaluatorServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "EvaluatorService",
        abstract: "Serve pspctl.v1.Evaluator: load rule sets, evaluate streamed audit events, stream alerts back.",
        discussion: """
        Examples:
          EvaluatorService                                   # 127.0.0.1:50052
          EvaluatorService --listen 0.0.0.0:50052 --max-rule-sets 32
          pspctl watch --rules k8s_audit_rules.yaml --audit-log audit.jsonl --evaluator 127.0.0.1:50052
        """)

    @Option(help: ArgumentHelp("Address to serve on; port 0 picks a free port (logged).", valueName: "host:port"))
    var listen = "127.0.0.1:50052"

    @Option(name: .customLong("max-rule-sets"), help: ArgumentHelp("Rule sets kept loaded (least recently used dropped first).", valueName: "n"))
    var maxRuleSets = 16

    @Option(name: .customLong("max-message-bytes"), help: ArgumentHelp("Largest request message accepted (RESOURCE_EXHAUSTED above).", valueName: "n"))
    var maxMessageBytes = 64 << 20

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel = "info"

    func validate() throws {
        guard maxRuleSets > 0 else { throw ValidationError("--max-rule-sets must be positive") }
        guard maxMessageBytes > 0 else { throw ValidationError("--max-message-bytes must be positive") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "EvaluatorService")
        let server: Server
        do {
            server = try Server(options: ServerOptions(
                listen: listen, maxReceiveMessageBytes: maxMessageBytes, maxSendMessageBytes: maxMessageBytes,
                sendQueueCapacity: 8, receivePrefetch: 4))
        } catch {
            logger.error("cannot listen on \(listen): \(error)")
            throw ExitCode(2)
        }
        EvaluatorService(configuration: .init(maxRuleSets: maxRuleSets), logger: logger).register(on: server)
        try server.start()
        let host = listen.split(separator: ":").dropLast().joined(separator: ":")
        logger.info("listening on \(host):\(server.port)")
        let signal = await StopSignal.wait()
        logger.info("stopping (\(signal))")
        await server.shutdown(grace: .seconds(5))
        logger.info("stopped")
    }
}

/// SIGINT / SIGTERM, awaited once.
enum StopSignal {
    static func wait() async -> String {
        await withCheckedContinuation { continuation in
            let once = Once()
            var sources: [DispatchSourceSignal] = []
            for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    if once.claim() { continuation.resume(returning: name) }
                }
                source.resume()
                sources.append(source)
            }
            Keep.sources = sources
        }
    }

    private final class Once: @unchecked Sendable {
        private let lock = NSLock()
        private var done = false
        func claim() -> Bool { lock.withLock { defer { done = true }; return !done } }
    }

    private enum Keep { nonisolated(unsafe) static var sources: [DispatchSourceSignal] = [] }
}


