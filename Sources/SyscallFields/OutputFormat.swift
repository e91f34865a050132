/// Parses syscall output formats like libsinsp's formatter (falco-rules.md §11.1; falcosecurity/libs
/// b7eb0dd `eventformatter.cpp` `set_format`): literal text, and at each `%` an optional width and a
/// field resolved in output mode (the longest field the rest of the string starts with).
enum OutputFormatParser {
    static func parse(_ format: String) throws(SyscallFieldError) -> ([SyscallOutputFormat.Segment], Bool) {
        guard !format.isEmpty else { throw invalid("empty formatting token") }
        let bytes = Array(format.utf8)
        var segments: [SyscallOutputFormat.Segment] = []
        let isPermissive = bytes[0] == UInt8(ascii: "*")
        var position = isPermissive ? 1 : 0
        var literalStart = position

        while position < bytes.count {
            defer { position += 1 }
            guard bytes[position] == UInt8(ascii: "%") else { continue }
            if literalStart < position {
                segments.append(.literal(String(decoding: bytes[literalStart..<position], as: UTF8.self)))
            }
            guard position + 1 < bytes.count else {
                throw invalid("invalid formatting syntax: formatting cannot end with a %")
            }
            var width = 0
            while isDigit(bytes[position + 1]) {
                width = min(width * 10 + Int(bytes[position + 1] - UInt8(ascii: "0")), Int(Int32.max))
                position += 1
                guard position + 1 < bytes.count else {
                    throw invalid("invalid formatting syntax: formatting cannot end with a number")
                }
            }
            let rest = Array(bytes[(position + 1)...])
            let resolution: FieldResolver.Resolution?
            do {
                resolution = try FieldResolver.resolvePrefix(rest)
            } catch {
                throw invalid(error.message)
            }
            guard let resolution else {
                throw invalid("invalid formatting token \(String(decoding: rest, as: UTF8.self))")
            }
            let token = String(decoding: rest[..<resolution.length], as: UTF8.self)
            segments.append(.field(resolution.field, token: token, width: width > 0 ? width : nil))
            // A zero-length token leaves the field's text to be printed literally (upstream quirk).
            position += resolution.length
            literalStart = position + 1
        }
        if literalStart < bytes.count {
            segments.append(.literal(String(decoding: bytes[literalStart...], as: UTF8.self)))
        }
        return (segments, isPermissive)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func invalid(_ message: String) -> SyscallFieldError {
        SyscallFieldError(.invalidOutputFormat, message)
    }
}
