import ConversionService
import GRPCKit
import Logging
import PspctlProtocol
import RuleSetWire
import ServiceMetrics

/// `pspctl.v1.Converter/Convert`: ConvertRequest → ConversionService → CompiledRuleSet. Undecodable
/// bytes, a request without a policy and every conversion error are INVALID_ARGUMENT, the last with
/// exactly the message `pspctl convert` prints. Each conversion's time goes to `metrics`.
enum ConvertHandler {
    static func register(on server: Server, logger: Logger, metrics: ConverterMetrics?) {
        server.register(unary: MethodPath.convert) { bytes, context throws(RPCError) in
            let message: PspctlV1.ConvertRequest
            do { message = try PspctlV1.ConvertRequest(decoding: bytes) }
            catch { throw RPCError(.invalidArgument, "the request is not a pspctl.v1.ConvertRequest: \(error)") }
            let input = switch message.policy {
            case .psp?: "psp"
            case .standard?: "pss"
            case nil: "none"
            }
            let started = ContinuousClock.now
            do throws(ConversionError) {
                let result = try ConversionService.convert(ConvertWire.conversionRequest(message))
                metrics?.converted(input: input, succeeded: true, duration: .now - started)
                logger.debug("converted", metadata: ["peer": "\(context.peer)", "id": "\(result.id)",
                                                     "rules": "\(result.ruleSet.rules.count)"])
                return ConvertWire.compiledRuleSet(result).encoded()
            } catch {
                metrics?.converted(input: input, succeeded: false, duration: .now - started)
                logger.debug("conversion refused", metadata: ["peer": "\(context.peer)", "error": "\(error.message)"])
                throw RPCError(.invalidArgument, error.message)
            }
        }
    }
}
