import ConditionLanguage

/// Which operators fit which fields. Upstream has no load-time check: a misfit loads and raises a
/// runtime error when the comparison is first evaluated, which stops Falco (syscall-fields.md §3.3,
/// §3.5, §3.6). pspctl rejects those comparisons when the rules are loaded instead (fidelity policy),
/// and also the combinations that upstream evaluates without meaning (ordering on IP addresses).
enum OperatorSupport {
    private static let stringOperators: Set<ComparisonOperator> = [.contains, .icontains, .startswith, .endswith, .glob]
    private static let orderingOperators: Set<ComparisonOperator> = [.less, .lessOrEqual, .greater, .greaterOrEqual]

    /// Fields with their own comparison code accept only these operators (§3.6). `in` on `fd.ip` and
    /// `fd.net` is accepted because pspctl makes it work (upstream: never true / first network only).
    private static let specialFields: [String: [ComparisonOperator]] = [
        "fd.ip": [.equal, .notEqual, .in],
        "fd.net": [.equal, .notEqual, .in],
        "fd.port": [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .in],
        "fd.proto": [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .in],
    ]

    static func check(_ op: ComparisonOperator, on field: SyscallField, written fieldText: String) throws(SyscallFieldError) {
        if field.name == "evt.around" {
            guard op == .equal else {
                throw SyscallFieldError(.unsupportedOperator, "evt.around supports only '=' comparison operator")
            }
            return
        }
        if let allowed = specialFields[field.name] {
            guard allowed.contains(op) else {
                let list = allowed.map(\.rawValue).joined(separator: ", ")
                throw SyscallFieldError(.unsupportedOperator,
                    "operator '\(op.rawValue)' is not supported by field \(fieldText) (it supports only \(list))")
            }
            return
        }
        let family = field.type.family
        guard !unsupported(by: family).contains(op) else {
            throw SyscallFieldError(.unsupportedOperator,
                "operator '\(op.rawValue)' is not supported by field \(fieldText) (\(family.displayName))")
        }
    }

    /// The operators that raise at evaluation (or compare meaninglessly) for a type family (§3.5).
    private static func unsupported(by family: TypeFamily) -> Set<ComparisonOperator> {
        switch family {
        case .text, .path:
            return []
        case .buffer:
            return orderingOperators.union([.icontains, .glob])
        case .boolean, .signed, .unsigned, .port:
            return stringOperators
        case .ipAddress, .ipNetwork:
            return stringOperators.union(orderingOperators)
        case .double, .opaque:
            // No right-hand value parses for these types, so only `exists` (and empty lists) remain.
            return []
        }
    }
}
