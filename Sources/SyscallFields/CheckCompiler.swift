import ConditionLanguage

/// Builds a `SyscallCheck` in upstream's order (syscall-fields.md §3.3): resolve the field, parse and
/// validate each value in turn, then pspctl's operator check — so every comparison that upstream
/// rejects fails with upstream's own message.
enum CheckCompiler {
    static func compile(_ comparison: Comparison) throws(SyscallFieldError) -> SyscallCheck {
        let field = try SyscallFieldCatalog.resolve(comparison.field)
        var values: [FieldValue] = []
        values.reserveCapacity(comparison.values.count)
        for text in comparison.values {
            let value = try ValueParser.parse(text, for: field)
            try validate(text, of: field, op: comparison.op)
            values.append(value)
        }
        try OperatorSupport.check(comparison.op, on: field, written: comparison.field)
        return SyscallCheck(fieldText: comparison.field, field: field, op: comparison.op, values: values)
    }

    /// Field-specific value checks (`validate_filter_value`).
    private static func validate(_ text: String, of field: SyscallField, op: ComparisonOperator) throws(SyscallFieldError) {
        switch field.name {
        case "evt.type":
            guard EventTable.isAcceptedTypeName(text) else {
                throw SyscallFieldError(.invalidValue, "unknown event type \(text)")
            }
        case "evt.around":
            guard op == .equal else {
                throw SyscallFieldError(.unsupportedOperator, "evt.around supports only '=' comparison operator")
            }
        default:
            break
        }
    }
}
