import AuditPipeline
import GRPCKit
import PspctlProtocol
import RulesEngine

/// LoadRuleSet: compiles rules files in load order into a `RuleSet`, or reports the first load error as
/// INVALID_ARGUMENT with the message the CLI prints (and the warnings of the files before it, which the
/// CLI printed first, in the trailing metadata `pspctl-load-warnings-bin`).
enum RuleSetLoader {
    /// Trailing metadata of a failed load: a `LoadRuleSetResponse` holding only the warnings so far.
    static let warningsMetadataKey = "pspctl-load-warnings-bin"

    struct Failure: Error {
        var error: RPCError
        var warnings: [RulesLoadWarningText]
    }

    static func load(files: [PspctlV1.RulesFile], options: PspctlV1.LoadOptions, id: String) throws(Failure) -> RuleSet {
        var engineOptions = RulesEngine.Options()
        do {
            engineOptions.minimumPriority = try options.minPriority.enginePriority() ?? .debug
        } catch {
            throw Failure(error: error, warnings: [])
        }
        engineOptions.timeFormatISO8601 = options.iso8601Time
        let engine = RulesEngine(options: engineOptions)
        var warnings: [RulesLoadWarningText] = []
        for file in files {
            do {
                for warning in try engine.load(text: file.yaml, name: file.name) {
                    warnings.append(RulesLoadWarningText(
                        text: WatchMessages.loadWarningText(file: file.name, message: warning.message),
                        isNotable: warning.isAboutMeaning))
                }
            } catch {
                throw Failure(error: RPCError(.invalidArgument, "\(error)"), warnings: warnings)
            }
        }
        return RuleSet(id: id, engine: engine, options: options, warnings: warnings)
    }
}
