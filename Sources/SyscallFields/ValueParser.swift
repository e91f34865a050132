#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A typed value of a field: a right-hand value parsed for the field's type, as libsinsp stores it
/// (syscall-fields.md §3.1), or a value read from a sensor event (§6.3).
enum FieldValue: Sendable, Hashable {
    /// PT_CHARBUF / path / sockaddr text: the bytes up to the first NUL (C string).
    case text([UInt8])
    /// PT_BYTEBUF: every byte.
    case bytes([UInt8])
    case signed(Int64)
    case unsigned(UInt64)
    /// 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    case address([UInt8])
    /// `A.B.C.D/LEN`: address and mask as host-order integers.
    case ipv4Network(address: UInt32, mask: UInt32)
    /// An IPv6 "network": the first 64 bits of the given address (no prefix length upstream).
    case ipv6Network(prefix: UInt64)
    /// PT_DOUBLE (event values only: no right-hand value parses as a double).
    case double(Double)
}

/// Parses right-hand values (falcosecurity/libs b7eb0dd, `value_parser.cpp` `string_to_rawval`,
/// `filter.cpp` `parse_filter_value`). Messages are upstream's, word for word.
enum ValueParser {
    /// Upstream keeps each value in a 256-byte slot.
    static let storageSize = 256

    static func parse(_ value: String, for field: SyscallField) throws(SyscallFieldError) -> FieldValue {
        // Plain PT_BYTEBUF fields (evt.buffer) are copied verbatim; `evt.rawarg` goes straight to the
        // typed parser, which has no PT_BYTEBUF case.
        if field.type == .bytebuf, field.name != "evt.rawarg" {
            let bytes = Array(value.utf8)
            guard bytes.count < storageSize else { throw tooLong(value) }
            return .bytes(bytes)
        }
        return try parse(value, as: field.type)
    }

    static func parse(_ value: String, as type: SyscallFieldType) throws(SyscallFieldError) -> FieldValue {
        switch type.family {
        case .text, .path:
            let bytes = Array(value.utf8.prefix { $0 != 0 })
            guard bytes.count < storageSize else { throw tooLong(value) }
            return .text(bytes)
        case .signed(let bits):
            guard let number = CNumbers.scanSigned(value) else { throw notANumber(value) }
            return .signed(truncate(signed: number, toBits: bits))
        case .unsigned(let bits):
            guard let number = CNumbers.scanUnsigned(value) else { throw notANumber(value) }
            return .unsigned(bits == 64 ? number : number & ((1 << UInt64(bits)) - 1))
        case .boolean:
            switch value {
            case "true": return .unsigned(1)
            case "false": return .unsigned(0)
            default: throw invalid("filter error: unrecognized boolean value \(value)")
            }
        case .port:
            return .unsigned(UInt64(try port(value)))
        case .ipAddress:
            if value.utf8.contains(UInt8(ascii: ".")) {
                guard let address = InternetAddress.ipv4(value) else { throw invalid("unrecognized IPv4 address \(value)") }
                return .address(address)
            }
            guard let address = InternetAddress.ipv6(value) else { throw invalid("unrecognized IPv6 address \(value)") }
            return .address(address)
        case .ipNetwork:
            return try network(value)
        case .buffer, .double, .opaque:
            throw invalid("wrong parameter type \(type.rawValue)")
        }
    }

    /// PT_PORT: empty → 0; digits → `stoi` truncated to 16 bits; otherwise a service name.
    private static func port(_ value: String) throws(SyscallFieldError) -> UInt16 {
        if value.isEmpty { return 0 }
        if value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // C++ `stoi` throws `out_of_range("stoi")` beyond a C int.
            guard let number = CNumbers.scanSigned(value), number <= Int64(Int32.max) else { throw invalid("stoi") }
            return UInt16(truncatingIfNeeded: number)
        }
        guard let port = InternetAddress.servicePort(value) else { throw invalid("unrecognized protocol \(value)") }
        return port
    }

    /// PT_IPNET: with a `.`, `A.B.C.D/LEN`; otherwise an IPv6 address whose first 64 bits are the network.
    private static func network(_ value: String) throws(SyscallFieldError) -> FieldValue {
        guard value.utf8.contains(UInt8(ascii: ".")) else {
            guard let address = InternetAddress.ipv6(value) else { throw invalid("unrecognized IPv6 address \(value)") }
            return .ipv6Network(prefix: address.prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
        }
        guard let slash = value.firstIndex(of: "/") else { throw invalid("unrecognized IP network \(value)") }
        // Upstream splits with getline: the address up to the first `/`, the mask up to a newline.
        let addressText = String(value[..<slash])
        let maskText = String(value[value.index(after: slash)...].prefix { $0 != "\n" })
        guard let address = InternetAddress.ipv4(addressText) else { throw invalid("unrecognized IP address \(value)") }
        guard let length = CNumbers.scanUnsigned(maskText) else { throw notANumber(maskText) }
        let prefixLength = UInt32(truncatingIfNeeded: length) & 0xFF  // parsed as an 8-bit number
        guard prefixLength <= 32 else { throw invalid("invalid netmask \(maskText)") }
        let mask: UInt32 = prefixLength == 0 ? 0 : ~UInt32(0) << (32 - prefixLength)
        return .ipv4Network(address: InternetAddress.hostOrder(address), mask: mask)
    }

    private static func truncate(signed number: Int64, toBits bits: Int) -> Int64 {
        switch bits {
        case 8: return Int64(Int8(truncatingIfNeeded: number))
        case 16: return Int64(Int16(truncatingIfNeeded: number))
        case 32: return Int64(Int32(truncatingIfNeeded: number))
        default: return number
        }
    }

    private static func invalid(_ message: String) -> SyscallFieldError { SyscallFieldError(.invalidValue, message) }
    private static func notANumber(_ value: String) -> SyscallFieldError { invalid("\(value) is not a valid number") }
    private static func tooLong(_ value: String) -> SyscallFieldError { invalid("filter parameter too long:\(value)") }
}

/// Address parsing through the C library, as upstream does (strict `inet_pton`: no leading zeros).
enum InternetAddress {
    static func ipv4(_ text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    static func ipv6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    static func hostOrder(_ ipv4: [UInt8]) -> UInt32 { ipv4.reduce(0) { $0 << 8 | UInt32($1) } }

    /// The port of a service name in this host's services database, any protocol (`http` → 80).
    static func servicePort(_ name: String) -> UInt16? {
        #if os(Linux)
        var entry = servent()
        var buffer = [CChar](repeating: 0, count: 4096)
        var result: UnsafeMutablePointer<servent>?
        guard getservbyname_r(name, nil, &entry, &buffer, buffer.count, &result) == 0, let found = result
        else { return nil }
        return UInt16(bigEndian: UInt16(truncatingIfNeeded: found.pointee.s_port))
        #else
        guard let found = getservbyname(name, nil) else { return nil }
        return UInt16(bigEndian: UInt16(truncatingIfNeeded: found.pointee.s_port))
        #endif
    }
}
