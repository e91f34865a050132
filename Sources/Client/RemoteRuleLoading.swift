import AuditPipeline
import Foundation
import GRPCKit
import PspctlProtocol
import RulesEngine

/// `watch --evaluator`, first step: sends the `--rules` files (read by the shared reader, in order) to
/// the evaluator's LoadRuleSet and prints what the embedded run prints while loading: the warnings,
/// then a load error or a read error (exit 2).
struct RemoteRuleLoading {
    let command: WatchCommand
    let channel: Channel
    let target: RemoteTarget

    /// The loaded set, or the exit to take (its message printed).
    func load() throws -> PspctlV1.LoadRuleSetResponse {
        var files: [PspctlV1.RulesFile] = []
        var readError: Error?
        do {
            try RulesFileReader.forEachFile(command.rulesFiles) { files.append(PspctlV1.RulesFile(name: $0.name, yaml: $0.text)) }
        } catch {
            readError = error
        }
        if let readError, files.isEmpty { throw fail("watch", "\(readError)", status: 2) }
        var options = PspctlV1.LoadOptions(iso8601Time: command.iso8601)
        if let priority = command.minPriority.flatMap(Priority.init(spelling:)) {
            options.minPriority = PspctlV1.Priority(rawValue: Int32(priority.rawValue + 1))
        }
        let request = PspctlV1.LoadRuleSetRequest(source: .files(PspctlV1.RulesFiles(files: files)), options: options)
        let (response, trailers) = try call(request)
        printWarnings(trailers.bytes(RemoteProtocol.loadWarningsKey).flatMap { try? PspctlV1.LoadRuleSetResponse(decoding: $0) })
        switch response {
        case .failure(let error) where error.code == .invalidArgument:
            throw fail("watch", error.message, status: 2)
        case .failure(let error) where error.code == .unavailable:
            throw fail("watch", target.unreachable(error, "the evaluator at \(target.address)"), status: 2)
        case .failure(let error):
            throw fail("watch", "cannot load the rules on the evaluator at \(target.address): \(error)", status: 2)
        case .success(let loaded):
            printWarnings(loaded)
            if let readError { throw fail("watch", "\(readError)", status: 2) }
            return loaded
        }
    }

    private func printWarnings(_ response: PspctlV1.LoadRuleSetResponse?) {
        guard let response else { return }
        for (index, text) in response.warnings.enumerated()
        where command.verbose || (response.notableWarnings.contains(UInt32(index)) && !command.quiet) {
            printError(WatchMessages.loadWarning(text: text))
        }
    }

    /// LoadRuleSet, with the trailing metadata of a failed call (the warnings printed before a load error).
    private func call(_ request: PspctlV1.LoadRuleSetRequest) throws -> (Result<PspctlV1.LoadRuleSetResponse, RPCError>, Metadata) {
        let channel = self.channel
        return try blocking {
            let stream = try channel.makeBidirectionalStream(MethodPath.loadRuleSet, timeout: .seconds(120))
            try? await stream.send(request.encoded())
            stream.closeSend()
            let message = try? await stream.receive()
            let status = await stream.status()
            if let error = status.error { return (.failure(error), status.trailingMetadata) }
            guard let message, let response = try? PspctlV1.LoadRuleSetResponse(decoding: message) else {
                return (.failure(RPCError(.internalError, "the evaluator's LoadRuleSet answer cannot be decoded")), status.trailingMetadata)
            }
            return (.success(response), status.trailingMetadata)
        }
    }
}

/// Names the evaluator and pspctl agree on beyond the .proto files.
enum RemoteProtocol {
    /// Trailing metadata of a failed LoadRuleSet: a LoadRuleSetResponse with the warnings of the files
    /// loaded before the one that failed.
    static let loadWarningsKey = "pspctl-load-warnings-bin"
}
