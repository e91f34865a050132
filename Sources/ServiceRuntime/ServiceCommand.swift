import ArgumentParser
import GRPCKit
import Logging
import ServiceHTTP
import ServiceMetrics

/// A pspctl service's command line and its gRPC handlers. The executable's whole `main` is
/// `ServiceMain.main(MyService.self)`; the runtime does the rest (see `ServiceMain`).
///
///     struct ConverterServiceCommand: ServiceCommand {
///         static let configuration = CommandConfiguration(commandName: "ConverterService", abstract: "…")
///         static let defaultListen = "127.0.0.1:50051"
///         static let servedServices = [ServiceName.converter]
///         @OptionGroup var service: ServiceOptions
///         func register(on server: Server, health: HealthStatusBoard, logger: Logger) throws { … }
///     }
public protocol ServiceCommand: ParsableCommand {
    /// `--listen` when the command line gives none.
    static var defaultListen: String { get }
    /// Fully-qualified names of the gRPC services `register` adds, e.g. `pspctl.v1.Converter`: health
    /// reports each (and the empty name, the server as a whole) SERVING once started; reflection lists
    /// them with `grpc.health.v1.Health` and `grpc.reflection.v1alpha.ServerReflection`.
    static var servedServices: [String] { get }
    /// The shared options (`@OptionGroup var service: ServiceOptions`).
    var service: ServiceOptions { get }
    /// Adjusts the server's options (message size limits …) before it binds; the default changes nothing.
    func configure(_ options: inout ServerOptions)
    /// Registers the service's handlers, before the server starts. A thrown error is logged and the
    /// process exits 2. Implement this one or the variant with `metrics`.
    func register(on server: Server, health: HealthStatusBoard, logger: Logger) throws
    /// The same with the process's metrics, where the service adds its own families (the default calls
    /// the variant without them). gRPC calls by method and status are counted for every service already.
    func register(on server: Server, health: HealthStatusBoard, logger: Logger, metrics: ServiceMetrics) throws
    /// With `--http-listen`: adds the service's own routes (EvaluatorService's audit webhook) to the HTTP
    /// listener's router, after `register`; a thrown error is logged and the process exits 2. The drain
    /// returned, if any, runs at shutdown once the HTTP listener has closed (the webhook evaluates what
    /// it queued). The default adds nothing.
    func addHTTPRoutes(to router: inout HTTPRouter, logger: Logger, metrics: ServiceMetrics) throws -> (@Sendable () -> Void)?
}

extension ServiceCommand {
    public func configure(_ options: inout ServerOptions) {}

    public func register(on server: Server, health: HealthStatusBoard, logger: Logger) throws {}

    public func addHTTPRoutes(to router: inout HTTPRouter, logger: Logger, metrics: ServiceMetrics) throws -> (@Sendable () -> Void)? {
        nil
    }

    public func register(on server: Server, health: HealthStatusBoard, logger: Logger, metrics: ServiceMetrics) throws {
        try register(on: server, health: health, logger: logger)
    }

    /// The log label and `service=` key: the command's name.
    public static var serviceLabel: String { configuration.commandName ?? "\(Self.self)" }
}
