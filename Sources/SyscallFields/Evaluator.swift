import ConditionLanguage

/// Set-operator lookups of a check, prepared when it is compiled.
struct ValueLookup: Sendable {
    /// Exact membership (`in`, `intersects`; `pmatch` on non-text types).
    let members: Set<FieldValue>
    /// `pmatch` on text: each value split into path components.
    let pathPrefixes: [[ArraySlice<UInt8>]]

    init(_ values: [FieldValue]) {
        members = Set(values)
        pathPrefixes = values.compactMap { value in
            if case .text(let bytes) = value { return PathPrefix.components(bytes[...]) }
            return nil
        }
    }
}

/// Evaluates compiled checks on sensor events (syscall-fields.md §3.5, §3.6, §6.4, §6.5 D5–D8).
/// Operator/type misfits were rejected at load time, so evaluation never raises.
enum Evaluator {
    static func matches(_ check: SyscallCheck, _ event: SensorEvent) -> Bool {
        let field = check.field
        switch field.kind {
        case .endpointAddress:
            return endpointAddresses(check, event)
        case .endpointPort:
            return endpointPorts(check, event)
        case .network(let addressKey):
            // D7: the address of fd.cip / fd.sip / fd.lip / fd.rip, compared as a network.
            guard let address = event.fdValue(addressKey) else { return false }
            return compare(address, check)
        case .around:
            return around(check, event)
        case .anyAncestor:
            // D8: the parent, the grandparent, … up to the first unknown ancestor.
            var level = 1
            while let value = event.ancestor(field.name, level: level) {
                if compare(value, check) { return true }
                level += 1
            }
            return false
        default:
            guard let value = event.value(of: field) else { return false }
            return compare(value, check)
        }
    }

    // MARK: Generic comparison by type (§3.5)

    static func compare(_ value: FieldValue, _ check: SyscallCheck) -> Bool {
        let family = check.field.type.family
        switch check.op {
        case .exists:
            return true
        case .in, .intersects:
            return isMember(value, check, family: family)
        case .pmatch:
            switch family {
            case .text, .buffer: return PathPrefix.matches(value, check.lookup.pathPrefixes)
            default: return isMember(value, check, family: family)  // path types: equality; numbers: ≈ equality
            }
        default:
            guard let operand = check.values.first else { return false }
            return compare(value, check.op, operand, family: family)
        }
    }

    /// An empty list never matches (upstream: an empty list on a network field matches every IPv4
    /// address; corrected).
    private static func isMember(_ value: FieldValue, _ check: SyscallCheck, family: TypeFamily) -> Bool {
        if family == .ipNetwork { return check.values.contains { Network.contains($0, value) } }
        return check.lookup.members.contains(value)
    }

    private static func compare(_ value: FieldValue, _ op: ComparisonOperator, _ operand: FieldValue,
                                 family: TypeFamily) -> Bool {
        switch family {
        case .ipAddress:
            let equal = Address.equals(value, operand)
            return op == .equal ? equal : op == .notEqual ? !equal : false
        case .ipNetwork:
            let inside = Network.contains(operand, value)
            return op == .equal ? inside : op == .notEqual ? !inside : false
        default:
            break
        }
        switch (value, operand) {
        case (.text(let subject), .text(let pattern)), (.bytes(let subject), .bytes(let pattern)):
            return compareBytes(subject, op, pattern)
        case (.signed(let left), .signed(let right)):
            return order(op, left, right)
        case (.unsigned(let left), .unsigned(let right)):
            return order(op, left, right)
        default:
            return false
        }
    }

    private static func compareBytes(_ subject: [UInt8], _ op: ComparisonOperator, _ pattern: [UInt8]) -> Bool {
        switch op {
        case .contains: return Bytes.contains(subject, pattern)
        case .icontains: return Bytes.contains(Bytes.lowercased(subject), Bytes.lowercased(pattern))
        case .startswith: return subject.starts(with: pattern)
        case .endswith: return subject.count >= pattern.count && subject.suffix(pattern.count).elementsEqual(pattern)
        case .glob: return Glob.matches(pattern: pattern, subject)
        default:
            // `strcmp` order: unsigned bytes, a prefix sorts first.
            let result = subject == pattern ? 0 : subject.lexicographicallyPrecedes(pattern) ? -1 : 1
            return order(op, result, 0)
        }
    }

    private static func order<T: Comparable>(_ op: ComparisonOperator, _ left: T, _ right: T) -> Bool {
        switch op {
        case .equal: return left == right
        case .notEqual: return left != right
        case .less: return left < right
        case .lessOrEqual: return left <= right
        case .greater: return left > right
        case .greaterOrEqual: return left >= right
        default: return false
        }
    }

    // MARK: Fields with their own comparison code (§3.6)

    /// D5, `fd.ip` / `fd.net`: connected sockets test the client **or** the server for `=`/`in` and
    /// need **both** to differ for `!=`; a listening socket tests its bound address. pspctl makes
    /// `in` test every listed value (upstream: `fd.ip in` never true, `fd.net in` first network only).
    private static func endpointAddresses(_ check: SyscallCheck, _ event: SensorEvent) -> Bool {
        guard event.isIPSocket, let server = event.fdValue("fd.sip") else { return false }
        let endpoints = event.fdValue("fd.cip").map { [$0, server] } ?? [server]
        let isNetwork = check.field.name == "fd.net"
        func matchesAny(_ address: FieldValue) -> Bool {
            check.values.contains { isNetwork ? Network.contains($0, address) : Address.equals(address, $0) }
        }
        switch check.op {
        case .equal, .in: return endpoints.contains(where: matchesAny)
        case .notEqual: return !endpoints.contains(where: matchesAny)
        default: return false
        }
    }

    /// D6, `fd.port` / `fd.proto`: either port for `=`, ordering and `in`; both for `!=`. A listening
    /// socket has only its bound port.
    private static func endpointPorts(_ check: SyscallCheck, _ event: SensorEvent) -> Bool {
        guard event.isIPSocket, let server = event.fdValue("fd.sport") else { return false }
        let ports = event.fdValue("fd.cport").map { [$0, server] } ?? [server]
        switch check.op {
        case .in:
            return ports.contains { check.lookup.members.contains($0) }
        case .notEqual:
            guard let operand = check.values.first else { return false }
            return ports.allSatisfy { compare($0, .notEqual, operand, family: .port) }
        default:
            guard let operand = check.values.first else { return false }
            return ports.contains { compare($0, check.op, operand, family: .port) }
        }
    }

    /// `evt.around[T] = D`: T lies within ±D ms of the event time (upstream's unsigned arithmetic).
    private static func around(_ check: SyscallCheck, _ event: SensorEvent) -> Bool {
        guard case .timestamp(let target)? = check.field.argumentValue,
              case .unsigned(let milliseconds)? = check.values.first else { return false }
        let delta = milliseconds &* 1_000_000
        return target >= event.rawTime &- delta && target <= event.rawTime &+ delta
    }
}

extension SensorEvent {
    /// A supplied fd field, honouring D13.
    func fdValue(_ key: String) -> FieldValue? { hasFileDescriptor ? values[key] : nil }

    /// IPv4 or IPv6 socket (`fd.typechar` 4 or 6).
    var isIPSocket: Bool {
        guard case .text(let kind)? = fdValue("fd.typechar") else { return false }
        return kind == [UInt8(ascii: "4")] || kind == [UInt8(ascii: "6")]
    }
}

/// IP address equality as upstream compares them: the width follows the extracted address, and an
/// IPv4 address is compared with the first 4 bytes of the value.
private enum Address {
    static func equals(_ extracted: FieldValue, _ value: FieldValue) -> Bool {
        guard case .address(let address) = extracted, case .address(let other) = value else { return false }
        if address.count == 4 { return other.count >= 4 && other.prefix(4).elementsEqual(address) }
        return address == other
    }
}

/// Network membership (§3.5): IPv4 by mask, IPv6 by the first 64 bits.
private enum Network {
    static func contains(_ network: FieldValue, _ extracted: FieldValue) -> Bool {
        guard case .address(let bytes) = extracted else { return false }
        switch network {
        case .ipv4Network(let address, let mask) where bytes.count == 4:
            return InternetAddress.hostOrder(bytes) & mask == address & mask
        case .ipv6Network(let prefix) where bytes.count == 16:
            return bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } == prefix
        default:
            return false
        }
    }
}

/// `pmatch` on text (§3.5): component-wise path prefix, empty components dropped, no normalisation.
enum PathPrefix {
    static func components(_ path: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
    }

    static func matches(_ value: FieldValue, _ prefixes: [[ArraySlice<UInt8>]]) -> Bool {
        let bytes: [UInt8]
        switch value {
        case .text(let text), .bytes(let text): bytes = text
        default: return false
        }
        let path = components(bytes[...])
        return prefixes.contains { prefix in
            prefix.count <= path.count && zip(prefix, path).allSatisfy { $0.elementsEqual($1) }
        }
    }
}

private enum Bytes {
    /// Substring test; the empty pattern is always found.
    static func contains(_ subject: [UInt8], _ pattern: [UInt8]) -> Bool {
        guard !pattern.isEmpty else { return true }
        guard subject.count >= pattern.count else { return false }
        for start in 0...(subject.count - pattern.count)
        where subject[start] == pattern[0] && subject[start..<(start + pattern.count)].elementsEqual(pattern) {
            return true
        }
        return false
    }

    /// ASCII lowercase, as `strcasestr` in the C locale.
    static func lowercased(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
    }
}
