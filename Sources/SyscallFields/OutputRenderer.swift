#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders field values in outputs (falco-rules.md §11.1 table; syscall-fields.md §3.7). pspctl
/// renders every type: upstream raises `wrong event type <n>` for `evt.rawarg` of flag/fd types and
/// for doubles in JSON (Falco stops); here they print as numbers.
enum OutputRenderer {
    /// Fields printed zero-padded to 9 digits (`PF_10_PADDED_DEC`).
    private static let paddedFields: Set<String> = [
        "evt.rawtime.ns", "evt.reltime", "evt.reltime.ns", "evt.latency.ns", "evt.deltatime.ns",
    ]
    /// fd names lose non-printable bytes in outputs (conditions see them).
    private static let sanitizedFields: Set<String> = [
        "fd.name", "fd.directory", "fd.filename", "fd.containername", "fd.containerdirectory",
    ]
    /// Time texts that JSON output replaces by the event timestamp in ns.
    private static let timestampInJSON: Set<String> = [
        "evt.time", "evt.time.s", "evt.time.iso8601", "evt.datetime", "evt.datetime.s", "evt.outputtime",
    ]
    /// Zero-padded fields that JSON output still gives as numbers.
    private static let numericInJSON: Set<String> = [
        "evt.rawtime.ns", "evt.reltime", "evt.reltime.ns", "evt.latency.ns", "evt.deltatime.ns",
    ]

    static func text(_ format: SyscallOutputFormat, _ event: SensorEvent) -> String {
        var bytes: [UInt8] = []
        for segment in format.segments {
            switch segment {
            case .literal(let literal):
                bytes.append(contentsOf: literal.utf8)
            case .field(let field, let token, let width):
                // A zero-length token (upstream quirk) has no defined value: `<NA>`.
                let rendered = (token.isEmpty ? nil : textValue(field, event)) ?? Array("<NA>".utf8)
                appendEscapingControls(width.map { fit(rendered, to: $0) } ?? rendered, to: &bytes)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A field value in a text output, its control characters escaped as JSON escapes them (C0 controls,
    /// DEL, C1 controls: `\n`, `\r`, `\t`, `\b`, `\f`, else `\u00XX`), so event data cannot break the
    /// alert's line or drive a terminal; everything else, backslashes included, is copied. The same
    /// escape as k8s_audit text alerts (`K8sAuditFields` `ByteText.appendEscapingControls`; this module
    /// cannot import that one). Applied after the width, which counts the value's own bytes as upstream.
    static func appendEscapingControls(_ value: [UInt8], to out: inout [UInt8]) {
        guard value.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) else {
            out.append(contentsOf: value)
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        var i = 0
        while i < value.count {
            var control = value[i]
            var width = 1
            if control == 0xC2, i + 1 < value.count, (0x80...0x9F).contains(value[i + 1]) {
                control = value[i + 1]
                width = 2
            } else if !(control < 0x20 || control == 0x7F) {
                out.append(control)
                i += 1
                continue
            }
            switch control {
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            default: out += Array(#"\u00"#.utf8) + [hex[Int(control >> 4)], hex[Int(control & 0xF)]]
            }
            i += width
        }
    }

    /// Upstream pads the byte string with spaces, or cuts it, to the width.
    private static func fit(_ bytes: [UInt8], to width: Int) -> [UInt8] {
        bytes.count >= width ? Array(bytes.prefix(width)) : bytes + Array(repeating: UInt8(ascii: " "), count: width - bytes.count)
    }

    static func fields(_ format: SyscallOutputFormat, _ event: SensorEvent) -> [(key: String, value: SyscallOutputValue)] {
        var byKey: [String: SyscallOutputValue] = [:]
        for case .field(let field, let token, _) in format.segments where !token.isEmpty {
            byKey[token] = jsonValue(field, event)
        }
        return byKey.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { (key: $0.key, value: $0.value) }
    }

    /// The text form of a field's value, nil when it has none.
    static func textValue(_ field: SyscallField, _ event: SensorEvent) -> [UInt8]? {
        guard let value = event.value(of: field) else { return nil }
        switch value {
        case .text(let bytes), .bytes(let bytes):
            return sanitizedFields.contains(field.name) ? bytes.filter { $0 >= 0x20 && $0 < 0x7F } : bytes
        case .signed(let number):
            if field.name == "fd.dev" { return Array(hexadecimal(UInt64(UInt32(truncatingIfNeeded: number))).utf8) }
            return Array(String(number).utf8)
        case .unsigned(let number):
            if field.type == .bool { return Array((number != 0 ? "true" : "false").utf8) }
            return Array(padded(number, field).utf8)
        case .address(let address):
            return Array(addressText(address).utf8)
        case .double(let number):
            return Array(oneDecimal(number).utf8)
        case .ipv4Network, .ipv6Network:
            return nil  // never extracted
        }
    }

    static func jsonValue(_ field: SyscallField, _ event: SensorEvent) -> SyscallOutputValue {
        if timestampInJSON.contains(field.name) { return .number(String(event.rawTime)) }
        guard let value = event.value(of: field) else { return .null }
        switch value {
        case .unsigned(let number) where field.type == .bool:
            return .bool(number != 0)
        case .unsigned(let number):
            if paddedFields.contains(field.name), !numericInJSON.contains(field.name) {
                return .string(padded(number, field))
            }
            return .number(String(number))
        case .signed(let number):
            if field.name == "fd.dev" { return .string(hexadecimal(UInt64(UInt32(truncatingIfNeeded: number)))) }
            return .number(String(number))
        case .double(let number):
            return .number(oneDecimal(number))
        default:
            return textValue(field, event).map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null
        }
    }

    private static func padded(_ number: UInt64, _ field: SyscallField) -> String {
        let digits = String(number)
        guard paddedFields.contains(field.name), digits.count < 9 else { return digits }
        return String(repeating: "0", count: 9 - digits.count) + digits
    }

    private static func hexadecimal(_ number: UInt64) -> String { String(number, radix: 16, uppercase: true) }

    /// Dotted quad, or the `inet_ntop` text of an IPv6 address.
    private static func addressText(_ address: [UInt8]) -> String {
        if address.count == 4 { return address.map(String.init).joined(separator: ".") }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let converted = address.withUnsafeBytes { raw in
            inet_ntop(AF_INET6, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard converted else { return "<NA>" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `%.1f`, through the C library so rounding matches.
    private static func oneDecimal(_ number: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        _ = withVaList([number]) { vsnprintf(&buffer, buffer.count, "%.1f", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
