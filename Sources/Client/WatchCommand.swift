import AlertSinks
import ArgumentParser
import AuditPipeline
import Foundation
import K8sAuditFields
import RulesEngine
import AuditWebhook
import ServiceHTTP

/// `pspctl watch`: evaluate rules against a Kubernetes audit log, embedded (no server).
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Evaluate Falco rules against a Kubernetes audit log (or sensors' syscall events) and print alerts.",
        discussion: """
        The audit log holds one audit.k8s.io Event JSON object per line (an EventList object or a JSON \
        array of events on a line is accepted too), as the API server's log backend writes it. Rules \
        files load in order, later files overriding or appending to earlier ones, as Falco 0.31.1 does; \
        Falco's own k8s_audit_rules.yaml and falco_rules.yaml load unchanged. Each event yields at most one \
        alert: the first enabled rule that matches, in definition order (--all-matches reports all).

        Alerts go to stdout, one per line, in Falco's text format or its json_output format. Errors and \
        the end-of-run summary go to stderr. A line that is not an audit event, or that is longer than \
        --max-line-bytes, stops the run with exit status 1 after the alerts of earlier lines; with \
        --keep-going it is skipped and counted instead (exit status 1 at the end if any line was \
        rejected). Empty lines are ignored. A log that cannot be read (a directory, a closed standard \
        input, an I/O error) ends the run with exit status 2. Control characters from event data are \
        escaped in text alerts and messages (\\n, \\u001b …), so every alert is one line.

        Examples:
          pspctl watch --rules k8s_audit_rules.yaml --audit-log /var/log/kubernetes/audit.log
          pspctl watch --rules psp_rules.yaml --rules pss_rules.yaml --audit-log - --output json < audit.jsonl
          pspctl watch --rules psp_rules.yaml --audit-log audit.jsonl --keep-going --min-priority warning -v
          pspctl watch --rules psp_rules.yaml --audit-log /var/log/kubernetes/audit.log --follow --state-file audit.state.json
          pspctl watch --rules psp_rules.yaml --audit-log /var/log/kubernetes/audit.log --follow --from end
          pspctl watch --rules psp_rules.yaml --audit-log /var/log/kubernetes/audit-2024-05-14T10-00-00.000.log.gz
          pspctl watch --rules k8s_audit_rules.yaml --listen-webhook 127.0.0.1:9765 --output json
          pspctl watch --rules k8s_audit_rules.yaml --listen-webhook 0.0.0.0:9765 --webhook-tls-cert tls.crt \\
            --webhook-tls-key tls.key --webhook-tls-client-ca apiserver-client-ca.pem
          pspctl watch --rules falco_rules.yaml --rules psp_rules.yaml --syscall-events sensor-events.jsonl
          sensor | pspctl watch --rules falco_rules.yaml --syscall-events - --output json --evaluator 127.0.0.1:50052
          pspctl watch --rules k8s_audit_rules.yaml --rules falco_rules.yaml --audit-log audit.log --syscall-events events.jsonl --follow
          pspctl watch --rules k8s_audit_rules.yaml --audit-log audit.log --follow --alerts-file alerts.log
          pspctl watch --rules k8s_audit_rules.yaml --audit-log audit.log --follow --alerts-http http://falcosidekick:2801/
          pspctl watch --rules k8s_audit_rules.yaml --audit-log audit.log --follow --alerts-http https://falcosidekick.example:2801/ \\
            --alerts-http-ca private-ca.pem
          pspctl watch --rules k8s_audit_rules.yaml --audit-log audit.jsonl --evaluator 127.0.0.1:50052
          pspctl watch --rules k8s_audit_rules.yaml --audit-log audit.jsonl --evaluator evaluator.example:50052 \\
            --tls-ca ca.pem --tls-cert client.pem --tls-key client.key
          pspctl watch --rules k8s_audit_rules.yaml --audit-log audit.jsonl --evaluator 10.0.0.7:50052 --evaluator 10.0.0.8:50052
          pspctl watch --rules k8s_audit_rules.yaml --audit-log audit.jsonl --evaluator dns:///evaluators.pspctl.svc:50052

        With --evaluator the output is the same as embedded. Every target's addresses come from gRPC's own \
        name resolution (HOST:PORT and dns:///NAME:PORT through DNS; ipv4:A:P,B:P lists) and are balanced \
        by its round_robin policy: the rules are loaded on every backend, each backend gets one stream, \
        and batches go to them in turn (at most 4 unanswered on each); alerts are still printed in log \
        order. A backend lost mid-run (killed, or shutting down) has its unanswered batches resent to \
        the others; when every backend is lost, pspctl says which lines were not evaluated (exit status 2).

        --follow keeps reading as the log grows, checking it 5 times a second when it is quiet, and \
        survives rotation: when the path names a new file (renamed away, as the API server's log backend \
        rotates), the old file is read to its end first, then the new one from its start; when the file \
        shrinks (copytruncate), it is read again from its start. A last line without its newline is \
        held until its newline comes, but at a rotation it is a line (-v says each rotation). SIGINT or \
        SIGTERM stops the run after the lines already read: the summary is printed and the exit status \
        is the usual one (0 when nothing was rejected). --follow with --audit-log - reads standard input until it ends (or \
        a signal). A gzip-compressed file (a rotated .gz) is read decompressed, whatever its name; it \
        cannot be followed.

        --state-file records where reading stands (the file's inode, the offset after the last line \
        whose alerts are written, the path) after every chunk and at exit, replacing the file \
        atomically; a run started with it resumes there, so no event is alerted twice or skipped. If \
        the log was rotated meanwhile, the rest of the old file is read first when it is still beside \
        the log (same directory, uncompressed), else the new file is read from its start, and pspctl \
        says so. It works without --follow too: each run reads what was added since the last, and \
        SIGINT or SIGTERM stops it as they stop a followed run, its position recorded.

        --listen-webhook HOST:PORT takes events from the Kubernetes API server's audit webhook instead of a \
        log: POST /k8s-audit with an audit.k8s.io/v1 EventList (or one Event) as JSON is queued and answered \
        200 at once (400 when it is not audit events, 413 over --webhook-max-body-bytes, 401 without the \
        bearer token of --webhook-token-file, 503 when the queue is full: the API server retries), and its \
        alerts are printed in arrival order. SIGINT or SIGTERM stops listening, evaluates what was \
        accepted, prints the summary and exits 0. With --webhook-tls-cert and --webhook-tls-key it serves \
        https (TLS 1.2 or later, the system OpenSSL); with --webhook-tls-client-ca too, a request without \
        a client certificate is answered 403 (checked before the bearer token), and a client certificate \
        that CA did not sign fails the TLS handshake.
        --syscall-events PATH|- reads syscall events from sensors instead of an audit log: one flat JSON \
        object per line mapping Falco field names to values, e.g. {"evt.type":"execve","evt.dir":"<",\
        "evt.rawtime":"1650000000500000000","proc.name":"bash","container.id":"0123456789ab"} (evt.type, \
        evt.dir and evt.rawtime are required). They are judged by the syscall rules (Falco's falco_rules.yaml, \
        the System Activity rules of pspctl convert) as Falco 0.31.1 judges them: per event type, first \
        match wins, a field the event lacks makes every comparison on it false, events Falco skips by \
        default (read, write, close …) are not evaluated. A bad event is a line error ("sensor event: unknown \
        field foo.bar", "… missing required field evt.rawtime", "… invalid value for proc.pid", "… field \
        fd.ip is computed and cannot be supplied"), with --keep-going as for audit logs. --follow, \
        --state-file, gzip files, the sinks and --evaluator work as with --audit-log. --audit-log and \
        --syscall-events together watch both in one process (each on its own thread, alerts of both on \
        stdout and the sinks, one summary line per source; not with --evaluator or --state-file).

        Alert sinks, beside stdout: --alerts-file appends every alert line as stdout gets it (created \
        0600 if absent, fsync'd at exit). --alerts-http POSTs each alert's JSON line (the --output json \
        line, whatever --output is; it says the alert's source) to an http:// or https:// URL, one request per alert \
        as Falco's http_output does for falcosidekick, from a bounded queue (reading waits only when it is \
        full); connection errors, timeouts, 5xx, 408 and 429 are retried with back-off (6 tries). At exit \
        pspctl waits up to --alerts-http-timeout seconds for the queue to drain; alerts not delivered are \
        counted on stderr ("N alerts were not delivered to URL: WHY") and the exit status is 2. An https:// \
        URL's server certificate is verified for the URL's host (sent as SNI too) against the system's trust \
        store, or only against --alerts-http-ca; a certificate that does not verify is not retried. \
        --alerts-http-cert and --alerts-http-key present a client certificate. With a \
        sink, SIGINT and SIGTERM stop a run cleanly, as they stop a followed one (but for --audit-log - \
        without --follow).
        """)

    @Option(name: .customLong("rules"), help: ArgumentHelp("A Falco rules file (or a directory of them); repeatable, loaded in order.", valueName: "file"),
            completion: .file(extensions: ["yaml", "yml"]))
    var rulesFiles: [String] = []

    @Option(name: .customLong("audit-log"), help: ArgumentHelp("The audit log to read (a gzip file is read decompressed), or - for standard input.", valueName: "path"),
            completion: .file(extensions: ["jsonl", "json", "log", "gz"]))
    var auditLog: String?

    @Option(name: .customLong("syscall-events"),
            help: ArgumentHelp("Instead of an audit log, read syscall events from sensors: one flat JSON object of Falco field names and values per line (a file, or - for standard input), judged by the syscall rules.", valueName: "path"),
            completion: .file(extensions: ["jsonl", "json", "gz"]))
    var syscallEvents: String?

    @Option(name: .customLong("listen-webhook"),
            help: ArgumentHelp("Instead of a log, serve the API server's audit webhook (POST /k8s-audit, HTTP) on HOST:PORT and evaluate its events until SIGINT or SIGTERM (port 0 picks a free port; stderr says which).",
                               valueName: "host:port"))
    var listenWebhook: String?

    @OptionGroup(title: "Audit webhook (with --listen-webhook)")
    var webhook: WebhookOptions

    @OptionGroup(title: "TLS on the audit webhook (with --listen-webhook)")
    var webhookTLS: WebhookTLSOptions

    @Option(help: ArgumentHelp("Alert format: text (Falco's line) or json (Falco's json_output).", valueName: "format"))
    var output: AlertFormatter.Style = .text

    @Option(name: .customLong("min-priority"), help: ArgumentHelp("Load only rules at least this severe (emergency … debug; Falco's priority setting).", valueName: "priority"),
            completion: .list(["emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"]))
    var minPriority: String?

    @Option(name: .customLong("max-line-bytes"),
            help: ArgumentHelp("Reject a log line longer than this many bytes (default 64 MiB), without reading it into memory.", valueName: "n"))
    var maxLineBytes: Int = AuditLogReader.defaultMaxLineBytes

    @Flag(name: .customLong("keep-going"), help: "Skip and count lines that are not audit events instead of stopping.")
    var keepGoing = false

    @Flag(name: .customLong("all-matches"), help: "Report every matching rule for an event, not only the first.")
    var allMatches = false

    @Flag(name: .customLong("all-events"),
          help: "With --syscall-events: also judge the event types Falco skips by default (read, write, close …), as Falco does with -A.")
    var allEvents = false

    @Flag(name: .customLong("iso8601"), help: "Print alert times as ISO 8601 UTC (Falco's time_format_iso_8601).")
    var iso8601 = false

    @Flag(name: .shortAndLong, help: "Also print Falco's rules-loading warnings (unused macros and lists, …) and the per-rule summary on stderr.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print nothing on stderr but errors.")
    var quiet = false

    @Flag(name: .customLong("follow"),
          help: "Keep reading as the log grows, across rotations (renamed and a new file, or copytruncate), until SIGINT or SIGTERM; then print the summary and exit as usual.")
    var follow = false

    @Option(name: .customLong("from"),
            help: ArgumentHelp("With --follow: start at the log's beginning (default) or at its end (after its last complete line). A position recorded in --state-file takes precedence.", valueName: "beginning|end"))
    var from: AuditLogReader.StartPoint?

    @Option(name: .customLong("state-file"),
            help: ArgumentHelp("Record the position read (inode, offset, path; JSON) in this file as alerts are written, and resume from it when started again.", valueName: "file"),
            completion: .file(extensions: ["json"]))
    var stateFile: String?

    /// How often a followed log is checked when it is quiet (milliseconds; tests make it short).
    @Option(name: .customLong("poll-interval"), help: .hidden)
    var pollIntervalMilliseconds: Int = 200

    @Option(name: .customLong("evaluator"),
            help: ArgumentHelp("Evaluate on the EvaluatorService at this gRPC target instead of in this process (same output); repeatable, and a target may resolve to several (dns:///NAME:PORT): batches are spread over every backend.",
                               valueName: "target"))
    var evaluators: [String] = []

    @OptionGroup(title: "Alert sinks")
    var alertSinks: AlertSinkOptions

    @OptionGroup(title: "TLS (with --evaluator)")
    var tls: RemoteTLSOptions

    mutating func validate() throws {
        try tls.requireRemote(!evaluators.isEmpty, remoteOption: "--evaluator")
        guard !rulesFiles.isEmpty else { throw ValidationError("at least one --rules file is required") }
        if syscallEvents != nil {
            if auditLog != nil {
                // Both sources in one process (MultiSourceWatch).
                guard evaluators.isEmpty else {
                    throw ValidationError("--evaluator takes one source per run: give --audit-log or --syscall-events")
                }
                guard stateFile == nil else {
                    throw ValidationError("--state-file records the position of one log: give --audit-log or --syscall-events with it")
                }
                guard auditLog != "-" || syscallEvents != "-" else {
                    throw ValidationError("--audit-log and --syscall-events cannot both read standard input")
                }
            }
            guard listenWebhook == nil else {
                throw ValidationError("give --syscall-events or --listen-webhook, not both: one source per run")
            }
        }
        if let listenWebhook {
            guard auditLog == nil else {
                throw ValidationError("give --audit-log or --listen-webhook, not both: one source at a time")
            }
            guard HTTPServer.Configuration(address: listenWebhook) != nil else {
                throw ValidationError("--listen-webhook must be HOST:PORT, not \(listenWebhook)")
            }
            guard evaluators.isEmpty else {
                throw ValidationError("--listen-webhook evaluates in this process: it cannot be used with --evaluator (EvaluatorService serves the webhook itself with --webhook-rules)")
            }
            if follow || from != nil || stateFile != nil {
                throw ValidationError("--follow, --from and --state-file are for --audit-log, not --listen-webhook")
            }
        } else {
            guard inputPath != nil else {
                throw ValidationError("give --audit-log PATH (or - for standard input), --syscall-events PATH (or -), or --listen-webhook HOST:PORT")
            }
            if webhook.anyGiven || webhookTLS.anyGiven { throw ValidationError("the --webhook-… options need --listen-webhook") }
        }
        if allEvents && syscallEvents == nil { throw ValidationError("--all-events needs --syscall-events") }
        guard maxLineBytes > 0 else { throw ValidationError("--max-line-bytes must be a positive number of bytes") }
        if evaluators.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--evaluator needs a target: HOST:PORT, dns:///NAME:PORT or ipv4:ADDRESS:PORT,…")
        }
        if from != nil && !follow {
            throw ValidationError("--from needs --follow (a log read once is read from its beginning; --state-file resumes it where an earlier run stopped)")
        }
        if let stateFile, stateFile.isEmpty { throw ValidationError("--state-file needs a file name") }
        if inputPath == "-" && stateFile != nil {
            throw ValidationError("--state-file needs a log file: standard input has no position to record")
        }
        if (auditLog == "-" || syscallEvents == "-") && from == .end {
            throw ValidationError("--from end needs a log file: standard input is read as it comes")
        }
        guard (1...60_000).contains(pollIntervalMilliseconds) else {
            throw ValidationError("--poll-interval must be 1 to 60000 milliseconds")
        }
        if let p = minPriority, Priority(spelling: p) == nil {
            throw ValidationError("unknown priority \"\(p)\": must be one of emergency, alert, critical, error, warning, notice, informational, debug")
        }
    }

    func run() throws {
        let sinks = try openAlertSinks()
        if !evaluators.isEmpty {
            throw RemoteWatch(command: self, targets: try RemoteTarget.make(evaluators, tls: tls, command: "watch"),
                              sinks: sinks).run()
        }
        var options = RulesEngine.Options()
        options.minimumPriority = minPriority.flatMap(Priority.init(spelling:)) ?? .debug
        options.timeFormatISO8601 = iso8601
        let engine = RulesEngine(options: options)
        do {
            try RulesFileReader.forEachFile(rulesFiles) { file in
                let warnings = try engine.load(text: file.text, name: file.name)
                for w in warnings where verbose || (w.isAboutMeaning && !quiet) {
                    printError(WatchMessages.loadWarning(file: file.name, message: w.message))
                }
            }
        } catch {
            throw fail("watch", "\(error)", status: 2)
        }
        if !quiet {
            for source in eventSources {
                if let warning = RuleSourceCheck.noRulesWarning(engine, source: source) { printError(WatchMessages.noAuditRules(warning)) }
            }
            if syscallEvents != nil, !allEvents, let warning = RuleSourceCheck.ignoredEventTypesWarning(engine) {
                printError(WatchMessages.noAuditRules(warning))
            }
        }
        if let listenWebhook {
            let status = WebhookWatch(command: self, engine: engine, address: listenWebhook, sinks: sinks).run()
            if status != 0 { throw ExitCode(status) }
            return
        }
        if auditLog != nil && syscallEvents != nil {
            return try MultiSourceWatch(command: self, engine: engine, sinks: sinks).run()
        }
        let input = try openAuditLog()
        sinks?.stopWaiting(on: input.stop)
        var watch = EmbeddedWatch(evaluator: ItemEvaluator(engine: engine, allMatches: allMatches, allEvents: allEvents),
                                  formatter: AlertFormatter(style: output), keepGoing: keepGoing, showProgress: !quiet,
                                  sinks: sinks, source: source)
        let completed = watch.run(input)
        let recorded = input.finishRecording()
        let delivered = finishAlertSinks(sinks)
        if !quiet || verbose { watch.printSummary(verbose: verbose) }
        if watch.readFailed || !recorded || !delivered { throw ExitCode(2) }
        if !completed || watch.counts.rejectedLines > 0 { throw ExitCode(1) }
    }
}

extension WatchCommand {
    /// The file (or `-`) read: `--audit-log` or `--syscall-events`; nil with `--listen-webhook`.
    var inputPath: String? { auditLog ?? syscallEvents }

    /// What the input holds.
    var source: WatchMessages.Source { syscallEvents != nil ? .syscall : .k8sAudit }

    /// The rules' sources that judge the input (both, with --audit-log and --syscall-events).
    var eventSources: [EventSource] {
        (auditLog != nil || listenWebhook != nil ? [.k8sAudit] : []) + (syscallEvents != nil ? [.syscall] : [])
    }

    /// Whether alerts go to a sink beside stdout.
    var hasAlertSinks: Bool { alertSinks.anyGiven }

    /// `--alerts-file` and `--alerts-http`, checked and opened before anything is read (exit status 2
    /// with the reason otherwise).
    func openAlertSinks() throws -> AlertSinks? {
        do {
            guard let sinks = try alertSinks.open() else { return nil }
            if !quiet { for warning in sinks.warnings { printError("\(WatchMessages.prefix)warning: \(warning)\n") } }
            return sinks
        } catch {
            throw fail("watch", "\(error)", status: 2)
        }
    }

    /// Syncs the alerts file and drains the HTTP queue; says on stderr what did not reach its sink.
    /// False when something did not (exit status 2).
    func finishAlertSinks(_ sinks: AlertSinks?) -> Bool {
        guard let sinks else { return true }
        let (messages, ok) = sinks.finish(prefix: WatchMessages.prefix)
        if !messages.isEmpty { printError(messages) }
        return ok
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

extension AlertFormatter.Style: ExpressibleByArgument {}
extension AuditLogReader.StartPoint: ExpressibleByArgument {}
