/// Run-level facts an event's derived values depend on (syscall-fields.md §6.5 D1, D2).
struct EvaluationContext: Sendable {
    let sequenceNumber: UInt64
    let runStartTime: UInt64?
    let utcOffsetSeconds: Int
}

/// Validates and types a sensor event (syscall-fields.md §6.1–§6.4, §6.6 step 1). Messages are
/// pspctl's: `sensor event: missing required field <key>`, `… invalid value for <key>`,
/// `… unknown field <key>`, `… field <key> is computed and cannot be supplied`.
enum SensorEventReader {
    static func read(_ fields: [String: SensorValue], context: EvaluationContext) throws(SensorEventError) -> SensorEvent {
        let eventType = try required("evt.type", in: fields) { value -> String? in
            if case .string(let text) = value { return text }
            return nil
        }
        let direction = try required("evt.dir", in: fields) { value -> SensorEventDirection? in
            if case .string(let text) = value { return SensorEventDirection(rawValue: text) }
            return nil
        }
        let rawTime = try required("evt.rawtime", in: fields) { value -> UInt64? in
            if case .unsigned(let time) = unsignedValue(value, bits: 64) { return time }
            return nil
        }
        let (eventID, flags, skipped) = try identity(eventType, direction)

        var values: [String: FieldValue] = [:]
        values.reserveCapacity(fields.count)
        // Sorted so that the first error reported does not depend on dictionary order.
        for (key, sensorValue) in fields.sorted(by: { $0.key < $1.key }) {
            if case .null = sensorValue { continue }
            let field: SyscallField
            do {
                field = try SyscallFieldCatalog.resolve(key)
            } catch {
                throw SensorEventError("sensor event: unknown field \(key)")
            }
            guard field.key == key else {
                throw SensorEventError("sensor event: field \(key) is not in canonical form (write \(field.key))")
            }
            guard !DerivedValues.isComputed(field) else {
                throw SensorEventError("sensor event: field \(key) is computed and cannot be supplied")
            }
            guard let value = typed(sensorValue, as: field.type) else {
                throw SensorEventError("sensor event: invalid value for \(key)")
            }
            if DerivedValues.openFlagFields.contains(key), value != .unsigned(0),
               !DerivedValues.takesSuppliedOpenFlag(key, eventType: eventType, direction: direction) {
                throw SensorEventError("sensor event: invalid value for \(key)")  // D4: must be false here
            }
            values[key] = value
        }
        return SensorEvent(eventType: eventType, direction: direction, rawTime: rawTime, eventID: eventID,
                           isSkippedByDefault: skipped, values: values, flags: flags, context: context)
    }

    private static func required<T>(_ key: String, in fields: [String: SensorValue],
                                    _ read: (SensorValue) -> T?) throws(SensorEventError) -> T {
        guard let value = fields[key], value != .null else {
            throw SensorEventError("sensor event: missing required field \(key)")
        }
        guard let result = read(value) else { throw SensorEventError("sensor event: invalid value for \(key)") }
        return result
    }

    /// The event id (the latest version of the name for that direction), its flags, and whether Falco
    /// skips it by default.
    private static func identity(_ eventType: String, _ direction: SensorEventDirection)
        throws(SensorEventError) -> (id: Int, flags: EventTable.Flags, skipped: Bool) {
        let tableDirection: EventTable.Direction = direction == .enter ? .enter : .exit
        if let name = EventTable.currentName(eventType) {
            guard let id = name.latestID(tableDirection) else {
                throw SensorEventError("sensor event: invalid value for evt.dir")
            }
            let flags = name.flags(tableDirection)
            return (id, flags, !flags.isDisjoint(with: EventTable.Flags.skippedByDefault))
        }
        guard EventTable.isGenericSyscall(eventType) else {
            throw SensorEventError("sensor event: invalid value for evt.type")
        }
        return (direction == .enter ? 0 : 1, [], EventTable.isGenericSyscallSkippedByDefault(eventType))
    }

    /// A member value read with its field's type (§6.3); nil when the JSON type does not fit.
    static func typed(_ value: SensorValue, as type: SyscallFieldType) -> FieldValue? {
        switch type {
        case .charbuf, .fsPath, .fsRelativePath, .socketAddress, .socketTuple:
            guard case .string(let text) = value else { return nil }
            return .text(Array(text.utf8.prefix { $0 != 0 }))
        case .bytebuf:
            guard case .string(let text) = value else { return nil }
            return .bytes(Array(text.utf8))
        case .bool:
            guard case .bool(let flag) = value else { return nil }
            return .unsigned(flag ? 1 : 0)
        case .port:
            guard case .integer(let number) = value, (0...65535).contains(number) else { return nil }
            return .unsigned(UInt64(number))
        case .ipAddress:
            guard case .string(let text) = value else { return nil }
            let address = text.contains(".") ? InternetAddress.ipv4(text) : InternetAddress.ipv6(text)
            return address.map(FieldValue.address)
        case .double:
            switch value {
            case .number(let number): return .double(number)
            case .integer(let number): return .double(Double(number))
            case .unsignedInteger(let number): return .double(Double(number))
            default: return nil
            }
        case .pid:
            return signedValue(value, bits: 64)
        case .uid, .gid, .signalType, .syscallID:
            return unsignedValue(value, bits: 32)
        default:
            switch type.family {
            case .signed(let bits): return signedValue(value, bits: bits)
            case .unsigned(let bits): return unsignedValue(value, bits: bits)
            default: return nil  // PT_IPNET, PT_DYN and list types are never supplied
            }
        }
    }

    /// An integer number, or a string of the form `-?[0-9]+`, within the signed range of `bits`.
    private static func signedValue(_ value: SensorValue, bits: Int) -> FieldValue? {
        let number: Int64
        switch value {
        case .integer(let integer): number = integer
        case .string(let text):
            let digits = text.hasPrefix("-") ? text.dropFirst() : text[...]
            guard !digits.isEmpty, digits.utf8.allSatisfy(isDecimalDigit), let parsed = Int64(text) else { return nil }
            number = parsed
        default: return nil
        }
        let limit = Int64(1) << Int64(bits - 1)
        guard bits == 64 || (-limit..<limit).contains(number) else { return nil }
        return .signed(number)
    }

    /// A non-negative integer number, or a string of digits, within the unsigned range of `bits`.
    private static func unsignedValue(_ value: SensorValue, bits: Int) -> FieldValue? {
        let number: UInt64
        switch value {
        case .integer(let integer) where integer >= 0: number = UInt64(integer)
        case .unsignedInteger(let integer): number = integer
        case .string(let text):
            guard !text.isEmpty, text.utf8.allSatisfy(isDecimalDigit), let parsed = UInt64(text) else { return nil }
            number = parsed
        default: return nil
        }
        guard bits == 64 || number < UInt64(1) << UInt64(bits) else { return nil }
        return .unsigned(number)
    }

    private static func isDecimalDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
