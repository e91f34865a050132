import AuditPipeline
import GRPCKit
import PspctlProtocol
import RuleSetWire
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
        let engineOptions: RulesEngine.Options
        do {
            engineOptions = try options.engineOptions()
        } catch {
            throw Failure(error: error, warnings: [])
        }
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

extension RuleSetLoader {
    /// A compiled rule set (Converter/Convert's answer) as a `RuleSet`, never trusted: its tree is rebuilt
    /// and type-checked by `RuleSetWire.engine(from:options:)` as a rules file would be; any problem is
    /// INVALID_ARGUMENT with the engine's message. `id` is the set's (see `CompiledRuleSetID`).
    static func load(compiled: PspctlV1.CompiledRuleSet, options: PspctlV1.LoadOptions, id: String) throws(RPCError) -> RuleSet {
        let engineOptions = try options.engineOptions()
        let engine: RulesEngine
        do throws(RuleSetWireError) {
            engine = try RuleSetWire.engine(from: compiled.rules, options: engineOptions)
        } catch {
            throw RPCError(.invalidArgument, error.message)
        }
        return RuleSet(id: id, engine: engine, options: options, warnings: [],
                       treeDigest: CompiledRuleSetID.treeDigest(compiled))
    }
}

extension PspctlV1.LoadOptions {
    /// The engine's options for this load (`min_priority` unspecified: every rule).
    func engineOptions() throws(RPCError) -> RulesEngine.Options {
        var engineOptions = RulesEngine.Options()
        engineOptions.minimumPriority = try minPriority.enginePriority() ?? .debug
        engineOptions.timeFormatISO8601 = iso8601Time
        return engineOptions
    }
}
