// libFuzzer target: a rules file, loaded by a fresh engine as `pspctl watch --rules` loads one (YAML,
// first pass, macro/list expansion, condition and output compilation), then the fixed audit events
// judged and their alerts rendered. Load errors and warnings are rendered too.
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FuzzFixtures.auditEvents
    let engine = RulesEngine()
    do {
        let warnings = try engine.load(text: FuzzInput.text(data, size), name: "fuzz.yaml")
        for warning in warnings { blackHole(warning.description) }
    } catch {
        blackHole(error.description)
        return 0
    }
    blackHole(engine.requiredEngineVersion)
    blackHole(engine.listCount + engine.macroCount + engine.rules.count)
    evaluateFixtureEvents(engine)
    return 0
}

@_cdecl("FuzzRulesLoader_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, setUp: { _ = FuzzFixtures.auditEvents }) { data, size in fuzz(data ?? emptyInput, size) }
}
