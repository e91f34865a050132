import ConversionService
import GRPCKit
import PspctlProtocol
import RuleSetWire

/// `pspctl convert --converter HOST:PORT`: the request goes to a ConverterService; its answer is
/// printed and written exactly as an embedded conversion's. INVALID_ARGUMENT carries the message an
/// embedded conversion prints; a server that cannot be reached is reported as such.
struct RemoteConverter {
    let target: RemoteTarget
    var address: String { target.address }
    /// Bounds the whole call, connecting included, so an address that never answers fails in time.
    static let timeout: Duration = .seconds(10)

    func convert(_ request: ConversionRequest) throws -> ConvertedPolicy {
        let bytes = ConvertWire.convertRequest(request).encoded()
        switch RemoteCall.unary(target: target, method: MethodPath.convert, request: bytes, timeout: Self.timeout) {
        case .success(let response):
            do {
                let set = try PspctlV1.CompiledRuleSet(decoding: response)
                return ConvertedPolicy(rulesYAML: set.rulesYAML, summary: set.summary, warnings: set.warnings)
            } catch {
                throw ConvertFailure("the converter at \(address) answered with something that is not a compiled rule set: \(error)")
            }
        case .failure(let error) where error.code == .invalidArgument:
            throw ConversionError(error.message)
        case .failure(let error) where error.code == .deadlineExceeded && !error.message.isEmpty
                                        && error.message != "Deadline Exceeded":
            // The converter's own deadline (--convert-deadline), with its explanation.
            throw ConvertFailure("the converter at \(address) gave up: \(error.message)")
        case .failure(let error) where error.code == .deadlineExceeded:
            throw ConvertFailure("cannot reach the converter at \(address): no answer within \(Self.timeout)")
        case .failure(let error) where error.code == .unavailable:
            throw ConvertFailure(target.unreachable(error, "the converter at \(address)"))
        case .failure(let error):
            throw ConvertFailure("the converter at \(address) failed: \(error)")
        }
    }
}
