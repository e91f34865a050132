import AuditPipeline
import Foundation
import K8sAuditFields
import NIOOpenSSL
import RulesEngine
import SyscallFields
import TLSCredentials

/// The alert sinks beside stdout, shared by every entry point that writes alerts (embedded `watch`,
/// `watch --evaluator`): `--alerts-file` (a copy of stdout's alert lines, through the `OutputBuffer`)
/// and `--alerts-http` (each alert's Falco JSON line POSTed, whatever `--output` is).
///
/// Every alert says its source in its JSON line (`"source":"k8s_audit"` or `"syscall"`, Falco 0.31.1's
/// `json_output` layout), which is what the HTTP sink sends; Falco 0.31.1's text line has no source,
/// and is not changed.
public final class AlertSinks: @unchecked Sendable {
    // Invariant: `scratch` is touched under `scratchLock` only.
    public let file: AlertFile?
    public let http: HTTPAlertSink?
    public let httpTimeout: Duration
    private let jsonFormatter = AlertFormatter(style: .json)
    private var scratch: [UInt8] = []
    /// Guards `scratch` when several sources of one run write alerts from their own threads.
    private let scratchLock = NSLock()

    /// Warnings about the TLS files (an expired certificate …), to print.
    public let warnings: [String]

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The TLS files of an `https://` `--alerts-http` URL: `--alerts-http-ca` (nil: the system's trust
    /// store), `--alerts-http-cert` and `--alerts-http-key` (a client certificate, both or neither).
    public struct HTTPTLSFiles: Sendable {
        public var ca: String?
        public var certificate: String?
        public var key: String?

        public init(ca: String? = nil, certificate: String? = nil, key: String? = nil) {
            self.ca = ca
            self.certificate = certificate
            self.key = key
        }

        public var anyGiven: Bool { ca != nil || certificate != nil || key != nil }
    }

    /// Parses the URL and checks its TLS files first, then opens the file (created 0600 when absent), so a
    /// bad flag is found before anything is read or created.
    public init(file: String?, httpURL: String?, httpTLS: HTTPTLSFiles = HTTPTLSFiles(), httpTimeout: Duration = .seconds(10),
                httpQueue: Int = 10_000, retry: HTTPAlertSink.RetryPolicy = HTTPAlertSink.RetryPolicy()) throws(SetupError) {
        var url: AlertURL?
        if let httpURL {
            do { url = try AlertURL(httpURL) } catch { throw SetupError(description: "\(error)") }
        }
        var tls: OpenSSLContext?
        var warnings: [String] = []
        if let url, url.isTLS {
            do {
                let checked = try TLSMaterial.openSSLClient(ca: httpTLS.ca.map { .init("--alerts-http-ca", $0) },
                                                            certificate: httpTLS.certificate.map { .init("--alerts-http-cert", $0) },
                                                            key: httpTLS.key.map { .init("--alerts-http-key", $0) })
                tls = checked.credentials
                warnings = checked.warnings
            } catch {
                throw SetupError(description: error.message)
            }
        } else if httpTLS.anyGiven {
            throw SetupError(description: "--alerts-http-ca, --alerts-http-cert and --alerts-http-key need an https:// --alerts-http URL")
        }
        self.warnings = warnings
        if let file {
            do { self.file = try AlertFile(path: file) } catch { throw SetupError(description: "\(error)") }
        } else {
            self.file = nil
        }
        self.httpTimeout = httpTimeout
        http = url.map { HTTPAlertSink(url: $0, tls: tls, capacity: httpQueue, retry: retry) }
    }

    /// The run's stop flag (SIGINT, SIGTERM): a full HTTP queue does not hold a stop up.
    public func stopWaiting(on flag: StopFlag?) {
        http?.stop = flag
    }

    /// Whether alerts need their JSON line rendered for a sink.
    public var wantsJSON: Bool { http != nil }

    /// An alert just rendered into `out` (from byte `start`, without its newline) in `style`: its JSON
    /// line goes to the HTTP sink (rendered again as JSON when `style` is text).
    public func alertWritten(_ out: borrowing OutputBuffer, from start: Int, style: AlertFormatter.Style,
                             _ rule: borrowing CompiledRule, _ context: K8sEventContext) {
        send(out, from: start, style: style) { jsonFormatter.write(rule, context, to: &$0) }
    }

    /// `alertWritten` for a syscall alert on a sensor event.
    public func alertWritten(_ out: borrowing OutputBuffer, from start: Int, style: AlertFormatter.Style,
                             _ rule: borrowing CompiledRule, _ event: SensorEvent) {
        send(out, from: start, style: style) { jsonFormatter.write(rule, event, to: &$0) }
    }

    /// The alert's JSON line to the HTTP sink: the bytes just written when they are JSON, else what
    /// `renderJSON` writes into the shared scratch buffer.
    private func send(_ out: borrowing OutputBuffer, from start: Int, style: AlertFormatter.Style,
                      renderJSON: (inout [UInt8]) -> Void) {
        guard let http else { return }
        if style == .json {
            http.send(out.withBytes(from: start) { Array($0.prefix(max(0, $0.count - 1))) })
        } else {
            scratchLock.lock()
            defer { scratchLock.unlock() }
            scratch.removeAll(keepingCapacity: true)
            renderJSON(&scratch)
            http.send(scratch)
        }
    }

    /// An alert's JSON line received ready-made (a remote alert's), without its newline.
    public func forwardJSON(_ line: UnsafeRawBufferPointer) {
        http?.send(Array(line))
    }

    /// The end of the run: the file synced and closed, the HTTP queue drained (at most `httpTimeout`).
    /// Returns the messages to print on stderr (each with its newline, `command`'s prefix) and whether
    /// every alert reached every sink (exit status 2 otherwise).
    public func finish(prefix: String) -> (messages: String, ok: Bool) {
        var messages = ""
        var ok = true
        if let file, !file.finish() {
            messages += "\(prefix)\(file.failure ?? "could not write the alerts file \(file.path)")\n"
            ok = false
        }
        if let http {
            let report = http.finish(timeout: httpTimeout)
            if report.undelivered > 0 {
                ok = false
                messages += "\(prefix)\(Self.undeliveredMessage(report, url: http.url, timeout: httpTimeout))\n"
            }
        }
        return (messages, ok)
    }

    /// `N alerts were not delivered to URL: WHY`.
    static func undeliveredMessage(_ report: HTTPAlertSink.Report, url: AlertURL, timeout: Duration) -> String {
        let n = report.undelivered
        var text = "\(n) alert\(n == 1 ? " was" : "s were") not delivered to \(url): "
        var reasons: [String] = []
        if report.failed > 0, let last = report.lastFailure {
            reasons.append(report.abandoned + report.interrupted > 0 ? "\(report.failed) failed, the last with \(last)" : last)
        }
        if report.abandoned > 0 {
            var abandoned = "\(report.abandoned) still queued when --alerts-http-timeout (\(seconds(timeout))) ran out"
            if report.failed == 0, let last = report.lastTryFailure { abandoned += " (last try: \(last))" }
            reasons.append(abandoned)
        }
        if report.interrupted > 0 {
            reasons.append("\(report.interrupted) not queued: the run was stopped while the queue was full")
        }
        text += reasons.joined(separator: "; ")
        return TextEscaping.escaped(text)
    }

    /// `10 s`, `0.5 s`.
    static func seconds(_ duration: Duration) -> String {
        let (whole, atto) = duration.components
        if atto == 0 { return "\(whole) s" }
        return "\(Double(whole) + Double(atto) / 1e18) s"
    }
}
