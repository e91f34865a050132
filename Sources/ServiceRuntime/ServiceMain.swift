import ArgumentParser
import Dispatch
import Foundation
import GRPCKit
import Logging
import PspctlProtocol
import TLSCredentials
import ServiceHTTP
import ServiceMetrics

/// Runs a `ServiceCommand` as a process:
///
/// 1. parses the command line (`--help` prints help, exit 0; bad usage prints the message, exit 2);
/// 2. bootstraps swift-log with `KeyValueLogHandler` at `--log-level` (structured lines on stderr);
/// 3. reads and checks the TLS files of `--tls-cert`/`--tls-key`/`--tls-client-ca` (a missing file, not
///    PEM, a key that does not match its certificate: logged, exit 2);
///    binds `--listen` (cannot bind: logged, exit 2), registers the service, `grpc.health.v1.Health`
///    and server reflection, starts, marks every served service SERVING and logs
///    `listening on HOST:PORT` with the real port (`address=HOST:PORT`, `tls=off|tls|mtls`), so
///    `--listen 127.0.0.1:0` works; without TLS on a non-loopback address, a warning that traffic is
///    unencrypted; with `--http-listen`, binds the HTTP listener (`ServiceEndpoints`: metrics, probes)
///    with the command's own routes (`addHTTPRoutes`: the audit webhook) before the gRPC server starts
///    (over TLS with `--http-tls-cert`/`--http-tls-key`/`--http-tls-client-ca`, their files checked as
///    the gRPC ones are: exit 2) and logs `http listening on HOST:PORT` (`http_tls=off|tls|mtls`) after
///    the gRPC line;
/// 4. waits for SIGINT or SIGTERM (a DispatchSource; the signals' default action is turned off first,
///    so one that arrives during start-up is kept, not fatal);
/// 5. then sets every status NOT_SERVING (`/readyz` answers 503 from then on) and ends health watches at
///    once, and drains the server (`Server.shutdown`): new calls are refused with UNAVAILABLE (health
///    checks still answer, NOT_SERVING), streams in flight answer the requests they have already read and
///    end with UNAVAILABLE, "the server is shutting down"; whatever still runs after `--shutdown-grace`
///    seconds is cancelled with UNAVAILABLE. Then closes the HTTP listener, runs the routes' drain (the
///    webhook evaluates every body it accepted), logs `stopped` (with how many
///    calls were in flight and cancelled), exits 0.
///
/// `--max-message-bytes`, `--max-concurrent-streams`, `--stream-window` and the keepalive options
/// (`LimitOptions`) are applied to the server before the command's own `configure`.
public enum ServiceMain {
    public static func main<Command: ServiceCommand>(_ type: Command.Type,
                                                     arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        let command: Command
        do {
            command = try Command.parse(arguments)
        } catch {
            if Command.exitCode(for: error) == .success { Command.exit(withError: error) }
            let message = Command.fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(2)
        }
        Foundation.exit(run(command))
    }

    /// Steps 2–5 for a parsed command; returns the exit status.
    public static func run<Command: ServiceCommand>(_ command: Command) -> Int32 {
        KeyValueLogHandler.bootstrap(level: command.service.level)
        let logger = Logger(label: Command.serviceLabel)
        CoreLogForwarding.start(logger)
        let signals = SignalWaiter([SIGINT, SIGTERM])
        let listen = command.service.listen ?? Command.defaultListen

        if command.service.deprecatedGrace != nil {
            logger.warning("--grace is deprecated: use --shutdown-grace")
        }
        let security: CheckedCredentials<ServerCredentials>
        do {
            security = try command.service.tls.credentials()
        } catch {
            logger.error("cannot use the TLS files", metadata: ["error": "\(error.message)"])
            return 2
        }
        for warning in security.warnings { logger.warning("\(warning)") }

        let metrics = ServiceMetrics()
        var options = ServerOptions(listen: listen, credentials: security.credentials)
        command.service.limits.apply(to: &options)
        command.configure(&options)
        options.callObserver = metrics.calls
        let server: Server
        do {
            server = try Server(options: options)
        } catch {
            logger.error("cannot listen on \(listen)", metadata: ["error": "\(error.message)"])
            return 2
        }
        let health = HealthStatusBoard()
        do {
            try command.register(on: server, health: health, logger: logger, metrics: metrics)
        } catch {
            logger.error("cannot set up the service", metadata: ["error": "\(error)"])
            return 2
        }
        HealthService.register(on: server, board: health)
        ReflectionService.register(on: server, services: Command.servedServices + [ServiceName.health, ServiceName.serverReflection])
        var http: HTTPServer?
        var httpDrain: (@Sendable () -> Void)?
        if let httpListen = command.service.httpListen {
            guard var configuration = HTTPServer.Configuration(address: httpListen) else {
                logger.error("--http-listen must be HOST:PORT, not \(httpListen)")
                return 2
            }
            do {
                if let tls = try command.service.httpTLS.context() {
                    configuration.tls = tls.credentials
                    for warning in tls.warnings { logger.warning("\(warning)") }
                }
            } catch {
                logger.error("cannot use the HTTP TLS files", metadata: ["error": "\(error.message)"])
                return 2
            }
            var router = ServiceEndpoints.router(metrics: metrics, health: health)
            do {
                httpDrain = try command.addHTTPRoutes(to: &router, logger: logger, metrics: metrics)
            } catch {
                logger.error("cannot set up the service", metadata: ["error": "\(error)"])
                return 2
            }
            do {
                http = try HTTPServer(configuration: configuration, router: router)
            } catch {
                logger.error("cannot listen on \(httpListen) for HTTP", metadata: ["error": "\(error)"])
                return 2
            }
        }
        do {
            try server.start()
        } catch {
            logger.error("cannot start the server on \(listen)", metadata: ["error": "\(error.message)"])
            return 2
        }
        for name in [""] + Command.servedServices { health.set(.serving, for: name) }
        let address = boundAddress(listen, port: server.port)
        logger.info("listening on \(address)", metadata: ["address": "\(address)", "tls": "\(command.service.tls.mode)"])
        if !command.service.tls.isEnabled, !isLoopback(listen) {
            logger.warning("serving without TLS on a non-loopback address: traffic is unencrypted (use --tls-cert and --tls-key)",
                           metadata: ["address": "\(address)"])
        }
        if let http, let httpListen = command.service.httpListen {
            let httpAddress = boundAddress(httpListen, port: http.port)
            logger.info("http listening on \(httpAddress)", metadata: ["http_address": "\(httpAddress)",
                                                                  "http_tls": "\(command.service.httpTLS.mode)"])
        }

        let signal = signals.wait()
        logger.info("received \(signal), shutting down", metadata: ["grace_seconds": "\(command.service.grace)"])
        health.setAll(.notServing)
        health.close()
        let grace = command.service.graceDuration
        let done = DispatchSemaphore(value: 0)
        let outcome = ShutdownOutcome()
        Task { [http, httpDrain] in
            outcome.report = await server.shutdown(grace: grace)
            await http?.shutdown()
            httpDrain?()
            done.signal()
        }
        done.wait()
        logger.info("stopped", metadata: ["calls_in_flight": "\(outcome.report.callsInFlight)",
                                         "calls_cancelled": "\(outcome.report.callsCancelled)"])
        return 0
    }

    /// True when `listen`'s host is a loopback address (127.0.0.0/8, ::1, localhost): only this machine
    /// can connect. Any other host (0.0.0.0, [::], an interface's address, a name) can be reached from
    /// outside.
    static func isLoopback(_ listen: String) -> Bool {
        var host = listen
        if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        host = host.lowercased()
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// `HOST:PORT` of `listen` with the port the server really bound.
    static func boundAddress(_ listen: String, port: Int) -> String {
        guard let colon = listen.lastIndex(of: ":") else { return "\(listen):\(port)" }
        return "\(listen[..<colon]):\(port)"
    }
}

/// Written by the shutdown task before it signals, read after the wait.
private final class ShutdownOutcome: @unchecked Sendable {
    var report = ShutdownReport(callsInFlight: 0, callsCancelled: 0)
}

/// Waits for the first of some signals, through DispatchSources (their default action is turned off at
/// once, so a signal is never lost nor fatal once this exists).
final class SignalWaiter: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let queue = DispatchQueue(label: "pspctl.service.signals")
    // Invariant: `received` is written on `queue` before the semaphore is signalled, read after.
    private var received = ""
    private var sources: [DispatchSourceSignal] = []

    init(_ numbers: [Int32]) {
        for number in numbers {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [unowned self] in
                guard received.isEmpty else { return }
                received = Self.name(number)
                semaphore.signal()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Blocks until one of the signals arrives; its name (`SIGTERM` …).
    func wait() -> String {
        semaphore.wait()
        return queue.sync { received }
    }

    private static func name(_ number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(number)"
        }
    }
}
