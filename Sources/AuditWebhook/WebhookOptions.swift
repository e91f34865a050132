import ArgumentParser

/// The webhook's queue, body and authentication flags, shared by EvaluatorService and `pspctl watch
/// --listen-webhook` (`@OptionGroup`).
public struct WebhookOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("webhook-queue-requests"),
            help: ArgumentHelp("Webhook requests queued at most before the next is answered 503 (default 1024).", valueName: "n"))
    public var queueRequests: Int = AuditWebhook.Configuration().maxQueuedBodies

    @Option(name: .customLong("webhook-queue-bytes"),
            help: ArgumentHelp("Bytes of webhook requests held at most before the next is answered 503 (default 256 MiB).", valueName: "n"))
    public var queueBytes: Int = AuditWebhook.Configuration().maxQueuedBytes

    @Option(name: .customLong("webhook-max-body-bytes"),
            help: ArgumentHelp("Largest webhook request body; larger is answered 413 (default 32 MiB).", valueName: "n"))
    public var maxBodyBytes: Int = AuditWebhook.Configuration().maxBodyBytes

    @Option(name: .customLong("webhook-token-file"),
            help: ArgumentHelp("Require 'Authorization: Bearer TOKEN' on webhook requests, TOKEN being this file's content (401 otherwise).", valueName: "file"),
            completion: .file())
    public var tokenFile: String?

    public init() {}

    public func validate() throws {
        guard queueRequests > 0 else { throw ValidationError("--webhook-queue-requests must be positive") }
        guard queueBytes > 0 else { throw ValidationError("--webhook-queue-bytes must be positive") }
        guard maxBodyBytes > 0 else { throw ValidationError("--webhook-max-body-bytes must be positive") }
        if let tokenFile, tokenFile.isEmpty { throw ValidationError("--webhook-token-file needs a file name") }
    }

    /// The configuration these flags give (the token file read now).
    public func configuration() throws(AuditWebhook.TokenFileError) -> AuditWebhook.Configuration {
        var configuration = AuditWebhook.Configuration()
        configuration.maxQueuedBodies = queueRequests
        configuration.maxQueuedBytes = queueBytes
        configuration.maxBodyBytes = maxBodyBytes
        if let tokenFile { configuration.bearerToken = try AuditWebhook.readToken(file: tokenFile) }
        return configuration
    }

    /// Whether any of these flags was given (they need the webhook on).
    public var anyGiven: Bool {
        tokenFile != nil || queueRequests != AuditWebhook.Configuration().maxQueuedBodies
            || queueBytes != AuditWebhook.Configuration().maxQueuedBytes || maxBodyBytes != AuditWebhook.Configuration().maxBodyBytes
    }
}
