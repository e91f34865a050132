import AlertSinks
import AuditPipeline
import AuditWebhook
import Foundation
import RulesEngine
import ServiceHTTP

/// `pspctl watch --listen-webhook HOST:PORT`: the audit webhook (AuditWebhook's queue and worker) on an
/// HTTP listener in this process, alerts printed as `watch` prints them, until SIGINT or SIGTERM; then
/// every accepted request is evaluated and the summary printed.
struct WebhookWatch {
    let command: WatchCommand
    let engine: RulesEngine
    let address: String
    let sinks: AlertSinks?

    /// The exit status: 0, 1 when a queued request could not be evaluated to its end, 2 when the
    /// listener cannot start or an alert did not reach a sink.
    func run() -> Int32 {
        let configuration: AuditWebhook.Configuration
        var listener = HTTPServer.Configuration(address: address)!  // `validate` checked the address.
        do {
            configuration = try command.webhook.configuration()
            if let tls = try command.webhookTLS.context() {
                listener.tls = tls.credentials
                if !command.quiet { for warning in tls.warnings { printError("pspctl watch: warning: \(warning)\n") } }
            }
        } catch {
            printError("pspctl watch: \(error)\n")
            return 2
        }
        let writer = WebhookAlertWriter(evaluator: ItemEvaluator(engine: engine, allMatches: command.allMatches),
                                        formatter: AlertFormatter(style: command.output), sinks: sinks) { reason in
            printError("pspctl watch: a webhook request could not be evaluated to its end: \(reason)\n")
        }
        let webhook = AuditWebhook(configuration: configuration, writer: writer, metrics: nil)
        var router = HTTPRouter()
        webhook.install(on: &router)
        let stop = StopFlag()
        stop.catchSignals()
        sinks?.stopWaiting(on: stop)
        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: listener, router: router)
        } catch {
            printError("pspctl watch: \(error)\n")
            webhook.finish()
            _ = command.finishAlertSinks(sinks)
            return 2
        }
        if !command.quiet {
            printError("pspctl watch: listening for audit webhook requests on \(listener.tls == nil ? "http" : "https")://\(Self.bound(address, port: server.port))\(AuditWebhook.path)\n")
        }
        while !stop.isSet { usleep(50_000) }
        try? blocking { await server.shutdown() }
        webhook.finish()
        let delivered = command.finishAlertSinks(sinks)
        let counts = writer.counts
        if !command.quiet || command.verbose {
            let rules = engine.rules.map { (name: $0.name, prioritySpelling: $0.prioritySpelling) }
            var summary = WatchMessages.summary(counts, rules: rules, verbose: command.verbose)
            if let range = summary.range(of: "\(counts.lines) lines, ") {
                summary.replaceSubrange(range, with: "\(counts.lines) webhook requests, ")
            }
            printError(summary)
        }
        if !delivered { return 2 }
        return counts.rejectedLines > 0 ? 1 : 0
    }

    /// `HOST:PORT` with the bound port.
    static func bound(_ address: String, port: Int) -> String {
        guard let colon = address.lastIndex(of: ":") else { return "\(address):\(port)" }
        return "\(address[..<colon]):\(port)"
    }
}
