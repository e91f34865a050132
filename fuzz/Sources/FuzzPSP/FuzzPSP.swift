// libFuzzer target: a PodSecurityPolicy (YAML or JSON), converted as `pspctl convert psp` converts it;
// the generated rules file must then load into the engine, which judges the fixed audit events.
// A conversion that succeeds but produces rules the engine rejects is a bug, reported as a crash
// (FUZZ_PSP_ALLOW_LOAD_ERRORS=1 only counts them).
import FuzzSupport

private let allowLoadErrors = FuzzEnvironment.flag("FUZZ_PSP_ALLOW_LOAD_ERRORS", default: false)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FuzzFixtures.auditEvents
    let conversion: PSPConversion
    do {
        conversion = try PSPConverter.convert(yaml: FuzzInput.text(data, size))
    } catch {
        blackHole(error.description)
        return 0
    }
    blackHole(conversion.summary.joined(separator: "\n"))
    let engine = RulesEngine()
    do {
        try engine.load(text: conversion.rulesYAML, name: "psp.rules.yaml")
    } catch {
        if allowLoadErrors { return 0 }
        fatalError("FuzzPSP: a converted PSP does not load: \(error)\n--- rules ---\n\(conversion.rulesYAML.prefix(4000))")
    }
    evaluateFixtureEvents(engine)
    return 0
}

@_cdecl("FuzzPSP_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, setUp: { _ = (FuzzFixtures.auditEvents, allowLoadErrors) }) { data, size in fuzz(data ?? emptyInput, size) }
}
