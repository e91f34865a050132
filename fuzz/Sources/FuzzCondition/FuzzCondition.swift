// libFuzzer target: a rule or macro condition, parsed as Falco 0.31.1 parses it, then each comparison
// compiled for both event sources (value parsing, field names, operators) and the event-type set computed.
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = FuzzInput.text(data, size)
    let node: ConditionNode?
    do {
        node = try ConditionParser.parse(text)
    } catch {
        blackHole(error.description)
        return 0
    }
    guard let node else { return 0 }
    blackHole(ConditionParser.firstUndefinedMacro(in: node) { $0.hasPrefix("m") })
    var compiled = 0
    forEachComparison(in: node) { comparison in
        if let check = try? SyscallCheck(comparison) {
            blackHole(check.eventTypes)
            compiled += 1
        }
        if (try? K8sCheck(comparison, registry: RulesEngine.k8sFieldRegistry)) != nil { compiled += 1 }
        for value in comparison.values { blackHole(K8sValue(classifying: value).canonical) }
    }
    let types = SyscallEventTypes.set(for: node)
    blackHole(SyscallEventTypes.tooMany(types))
    blackHole(types.description)
    blackHole(compiled)
    return 0
}

@_cdecl("FuzzCondition_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, setUp: { _ = RulesEngine.k8sFieldRegistry }) { data, size in fuzz(data ?? emptyInput, size) }
}
