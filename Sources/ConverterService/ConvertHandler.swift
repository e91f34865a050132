import ConversionService
import GRPCKit
import Logging
import PspctlProtocol
import RuleSetWire
import ServiceMetrics
import ServiceRuntime

/// `pspctl.v1.Converter/Convert`: ConvertRequest → ConversionService → CompiledRuleSet. Undecodable
/// bytes, a request without a policy and every conversion error are INVALID_ARGUMENT, the last with
/// exactly the message `pspctl convert` prints. A conversion that outlives the sooner of the client's
/// deadline and `deadline` (`--convert-deadline`) ends with DEADLINE_EXCEEDED; the conversions running
/// at once, abandoned ones included, are bounded by `work`. Each conversion's time goes to `metrics`.
enum ConvertHandler {
    static func register(on server: Server, deadlineSeconds: Double, work: DeadlineWork, logger: Logger,
                         metrics: ConverterMetrics?) {
        let deadline = Duration.milliseconds(Int64((deadlineSeconds * 1000).rounded()))
        let limit = deadlineSeconds == deadlineSeconds.rounded() ? "\(Int(deadlineSeconds)) s" : "\(deadlineSeconds) s"
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
            let serverDeadline = ContinuousClock.now + deadline
            let effective = min(context.deadline ?? serverDeadline, serverDeadline)
            let request: ConversionRequest
            do throws(ConversionError) { request = try ConvertWire.conversionRequest(message) }
            catch { throw RPCError(.invalidArgument, error.message) }
            let result: ConversionResult
            do throws(RPCError) {
                result = try await work.run(until: effective, expired: "the conversion took longer than its deadline (the server's is \(limit), --convert-deadline)") { () throws(RPCError) in
                    do throws(ConversionError) {
                        return try ConversionService.convert(request)
                    } catch {
                        throw RPCError(.invalidArgument, error.message)
                    }
                }
            } catch {
                metrics?.converted(input: input, succeeded: false, duration: .now - started)
                logger.debug("conversion refused", metadata: ["peer": "\(context.peer)", "error": "\(error.message)", "code": "\(error.code)"])
                throw error
            }
            metrics?.converted(input: input, succeeded: true, duration: .now - started)
            logger.debug("converted", metadata: ["peer": "\(context.peer)", "id": "\(result.id)",
                                                 "rules": "\(result.ruleSet.rules.count)"])
            return ConvertWire.compiledRuleSet(result).encoded()
        }
    }
}
