// libFuzzer target: one audit log line, read as `pspctl watch` reads it (AuditJSON → K8sAuditFields),
// then every k8s_audit field extracted, compared and rendered, and the event judged by a fixed rules set.
import FuzzSupport

/// Every field of the registry `pspctl` uses, with the index shapes it accepts.
private let references: [String] = {
    let indexes: [String?] = [nil, "0", "1", "-1", "/verb", "/requestObject/spec/containers/0", "app", "a/b"]
    var texts: [String] = []
    for field in RulesEngine.k8sFieldRegistry.fields {
        for index in indexes {
            let text = index.map { "\(field.name)[\($0)]" } ?? field.name
            if (try? RulesEngine.k8sFieldRegistry.reference(text)) != nil { texts.append(text) }
        }
    }
    return texts
}()

/// Checks of each reference with each operator family (those the field accepts).
private let checks: [K8sCheck] = {
    let shapes: [(ComparisonOperator, [String])] = [
        (.exists, []), (.equal, ["default"]), (.notEqual, ["0"]), (.less, ["5"]), (.greaterOrEqual, ["1"]),
        (.contains, ["a"]), (.startswith, ["/"]), (.glob, ["*priv*"]), (.in, ["a", "0", "1:65535", "true"]),
        (.intersects, ["NET_ADMIN", "ALL"]), (.pmatch, ["/etc", "/var/run"]),
    ]
    var result: [K8sCheck] = []
    for text in references {
        for (op, values) in shapes {
            if let check = try? K8sCheck(Comparison(field: text, op: op, values: values),
                                         registry: RulesEngine.k8sFieldRegistry) {
                result.append(check)
            }
        }
    }
    return result
}()

/// Output formats naming every reference, a few references each.
private let outputs: [K8sOutputFormat] = stride(from: 0, to: references.count, by: 4).compactMap { start in
    let format = references[start..<min(start + 4, references.count)].map { "\($0)=%\($0)" }.joined(separator: " ")
    return try? K8sOutputFormat(parsing: format, registry: RulesEngine.k8sFieldRegistry)
}

/// Each input exercises one slice of the checks and formats, chosen by its size: every field is still
/// covered across inputs, at a sixteenth of the cost per input.
private let slices = 16

/// PSS restricted + the example PSP, plus any rules files named in FUZZ_RULES (colon-separated).
/// FUZZ_ENGINE=0 leaves the engine out (field extraction is still exercised).
private let engine: RulesEngine? = {
    guard FuzzEnvironment.flag("FUZZ_ENGINE", default: true) else { return nil }
    let engine = RulesEngine()
    do {
        let pss = try PSSConverter.convert(PSSConversionRequest(
            level: "restricted", version: "latest", exemptUsers: [], exemptNamespaces: [],
            exemptRuntimeClasses: [], admissionConfigYAML: nil))
        try engine.load(text: pss.rulesYAML, name: "pss-restricted.yaml")
        try engine.load(text: PSPConverter.convert(yaml: FuzzFixtures.pspYAML).rulesYAML, name: "psp.yaml")
        for path in FuzzEnvironment.paths("FUZZ_RULES") { try engine.load(path: path) }
    } catch {
        fatalError("FuzzAuditJSON: could not build its rules set: \(error)")
    }
    return engine
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let events: K8sAuditEvents
    do {
        events = try K8sAuditDocument.events(from: FuzzInput.bytes(data, size))
    } catch {
        blackHole(error.description)
        return 0
    }
    for event in events {
        blackHole(event.alertTime)
        let context = K8sEventContext(event: event)
        let slice = size % slices
        var matched = 0
        for index in stride(from: slice, to: checks.count, by: slices) {
            if (try? checks[index].evaluate(in: context)) == true { matched += 1 }
        }
        blackHole(matched)
        for index in stride(from: slice, to: outputs.count, by: slices) {
            var bytes: [UInt8] = []
            outputs[index].render(in: context, appendingTo: &bytes)
            blackHole(outputs[index].outputFields(in: context).count + bytes.count)
        }
        if let engine { evaluate(engine, event: event) }
    }
    return 0
}

@_cdecl("FuzzAuditJSON_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, setUp: { _ = (references.count, checks.count, outputs.count, engine) }) { data, size in fuzz(data ?? emptyInput, size) }
}
