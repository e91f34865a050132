import AuditPipeline
import EvaluatorPool
import Foundation
import GRPCKit
import K8sAuditFields
import PspctlProtocol
import RulesEngine

/// `watch --evaluator`, first step: sends the `--rules` files (read by the shared reader, in order) to
/// LoadRuleSet on every backend behind every `--evaluator` target (`RuleSetPlacement`), and prints what
/// the embedded run prints while loading: the warnings, then a load error or a read error (exit 2). The
/// answer shown is the first target's (or the first that could be reached); a target that cannot be
/// reached while others can is left out with a warning.
struct RemoteRuleLoading {
    let command: WatchCommand
    let evaluators: [(target: RemoteTarget, channel: Channel)]

    /// Where the set is loaded: a target, its channel, and the backends behind it that loaded it.
    struct Placed {
        var target: RemoteTarget
        var channel: Channel
        var backends: [String]
    }

    /// The loaded set and where, or the exit to take (its message printed).
    func load() throws -> (response: PspctlV1.LoadRuleSetResponse, placed: [Placed]) {
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
        let placements = try place(request)
        let shown = placements.firstIndex { placement in
            switch placement.first.result {
            case .success: true
            case .failure(let error): error.code == .invalidArgument
            }
        } ?? 0
        let attempt = placements[shown].first
        printWarnings(attempt.trailers.bytes(RemoteProtocol.loadWarningsKey).flatMap { try? PspctlV1.LoadRuleSetResponse(decoding: $0) })
        let loaded: PspctlV1.LoadRuleSetResponse
        switch attempt.result {
        case .failure(let error) where error.code == .invalidArgument:
            throw fail("watch", error.message, status: 2)
        case .failure(let error) where error.code == .unavailable:
            let target = evaluators[shown].target
            throw fail("watch", target.unreachable(error, "the evaluator at \(target.address)"), status: 2)
        case .failure(let error):
            throw fail("watch", "cannot load the rules on the evaluator at \(evaluators[shown].target.address): \(error)", status: 2)
        case .success(let response):
            printWarnings(response)
            if let readError { throw fail("watch", "\(readError)", status: 2) }
            loaded = response
        }
        var placed: [Placed] = []
        for (index, placement) in placements.enumerated() {
            let target = evaluators[index].target
            switch placement.first.result {
            case .success(let response) where response.id == loaded.id:
                placed.append(Placed(target: target, channel: evaluators[index].channel, backends: placement.backends))
            case .success:
                warn("the evaluator at \(target.address) loaded the rules under another id; evaluating on the others")
            case .failure(let error):
                warn("cannot load the rules on the evaluator at \(target.address) (\(error)); evaluating on the others")
            }
        }
        return (loaded, placed)
    }

    /// Every target's placement, all at once.
    private func place(_ request: PspctlV1.LoadRuleSetRequest) throws -> [RuleSetPlacement.Placement] {
        let channels = evaluators.map(\.channel)
        return try blocking {
            await withTaskGroup(of: (Int, RuleSetPlacement.Placement).self) { group in
                for (index, channel) in channels.enumerated() {
                    group.addTask { (index, await RuleSetPlacement.place(request, on: channel)) }
                }
                var placements: [RuleSetPlacement.Placement?] = Array(repeating: nil, count: channels.count)
                for await (index, placement) in group { placements[index] = placement }
                return placements.map { $0! }
            }
        }
    }

    private func printWarnings(_ response: PspctlV1.LoadRuleSetResponse?) {
        guard let response else { return }
        for (index, text) in response.warnings.enumerated()
        where command.verbose || (response.notableWarnings.contains(UInt32(index)) && !command.quiet) {
            printError(WatchMessages.loadWarning(text: text))
        }
    }

    private func warn(_ message: String) {
        if !command.quiet { printError("\(WatchMessages.prefix)warning: \(TextEscaping.escaped(message))\n") }
    }
}

/// Names the evaluator and pspctl agree on beyond the .proto files.
enum RemoteProtocol {
    /// Trailing metadata of a failed LoadRuleSet: a LoadRuleSetResponse with the warnings of the files
    /// loaded before the one that failed.
    static let loadWarningsKey = "pspctl-load-warnings-bin"
}
