// libFuzzer target: a sensor event as a flat JSON object of field key → value (the form
// SensorEvent(fields:) takes, syscall-fields.md §6), validated and typed, then every syscall field
// compared and rendered, as rule evaluation and alert output do.
import FuzzSupport

/// Checks of every catalogue field (plus a few with arguments) with each operator family it accepts.
private let checks: [SyscallCheck] = {
    var fields = SyscallFieldCatalog.definitions.map(\.name)
    fields += ["proc.aname[2]", "proc.apid[1]", "evt.arg.name", "evt.arg[0]", "evt.rawarg.res", "fd.net",
               "evt.around[1000]"]
    let shapes: [(ComparisonOperator, [String])] = [
        (.exists, []), (.equal, ["1"]), (.notEqual, ["bash"]), (.less, ["100"]), (.greaterOrEqual, ["0"]),
        (.contains, ["a"]), (.icontains, ["A"]), (.startswith, ["/"]), (.endswith, ["sh"]), (.glob, ["*/etc/*"]),
        (.in, ["open", "1", "10.0.0.0/8", "/etc"]), (.intersects, ["a", "b"]), (.pmatch, ["/etc", "/usr/bin"]),
        (.equal, ["10.0.0.1"]), (.equal, ["192.168.0.0/16"]), (.equal, ["true"]),
    ]
    var result: [SyscallCheck] = []
    for field in fields {
        for (op, values) in shapes {
            if let check = try? SyscallCheck(Comparison(field: field, op: op, values: values)) { result.append(check) }
        }
    }
    return result
}()

/// Output formats naming every displayable field, one per field (a bad token fails the whole format).
private let outputs: [SyscallOutputFormat] = SyscallFieldCatalog.definitions.compactMap {
    try? SyscallOutputFormat(parsing: "\($0.name)=%\($0.name)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = (checks.count, outputs.count)
    guard let document = try? JSONDocument(parsing: FuzzInput.bytes(data, size)),
          document.root.kind == .object else { return 0 }
    var fields: [String: SensorValue] = [:]
    for (key, node) in document.root.members {
        switch node.kind {
        case .null: fields[key] = .null
        case .bool: fields[key] = .bool(node.bool ?? false)
        case .string: fields[key] = .string(node.string ?? "")
        case .number:
            switch node.number {
            case .int(let value)?: fields[key] = .integer(value)
            case .uint(let value)?: fields[key] = .unsignedInteger(value)
            case .double(let value)?: fields[key] = .number(value)
            case nil: return 0
            }
        case .object, .array: return 0  // a sensor event is flat
        }
    }
    let event: SensorEvent
    do {
        event = try SensorEvent(fields: fields, sequenceNumber: UInt64(size), runStartTime: size % 2 == 0 ? nil : 1,
                                utcOffsetSeconds: (size % 5 - 2) * 3600)
    } catch {
        blackHole(error.description)
        return 0
    }
    // One slice of the checks and formats per input, chosen by its size (all are covered across inputs).
    let slices = 8, slice = size % slices
    var matched = 0
    for index in stride(from: slice, to: checks.count, by: slices) where checks[index].matches(event) { matched += 1 }
    blackHole(matched)
    for index in stride(from: slice, to: outputs.count, by: slices) {
        blackHole(outputs[index].render(event))
        blackHole(outputs[index].outputFields(event).count)
    }
    return 0
}

@_cdecl("FuzzSensorEvent_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, setUp: { _ = (checks.count, outputs.count) }) { data, size in fuzz(data ?? emptyInput, size) }
}
