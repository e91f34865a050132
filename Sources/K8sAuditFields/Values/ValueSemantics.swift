/// Equality and ordering of typed values (§3.2), byte-wise for strings.
extension K8sValue {
    /// §3.2 equality: an integer equals a range that contains it; otherwise same kind and same value.
    func matches(_ other: K8sValue) -> Bool {
        switch (self, other) {
        case (.integer(let i), .range(let low, let high)), (.range(let low, let high), .integer(let i)):
            return low <= i && i <= high
        default: return isIdentical(to: other)
        }
    }

    /// Same kind and same value (the de-duplication of S: the set has one element iff all values are identical).
    func isIdentical(to other: K8sValue) -> Bool {
        switch (self, other) {
        case (.string(let a), .string(let b)): return ByteText.equal(a, b)
        case (.integer(let a), .integer(let b)): return a == b
        case (.range(let a1, let a2), .range(let b1, let b2)): return a1 == b1 && a2 == b2
        default: return false
        }
    }

    /// Same-kind strict order for `<`…`>=`; nil for values of different kinds (never comparable).
    func sameKindLess(than other: K8sValue) -> Bool? {
        switch (self, other) {
        case (.string(let a), .string(let b)): return ByteText.less(a, b)
        case (.integer(let a), .integer(let b)): return a < b
        case (.range(let a1, let a2), .range(let b1, let b2)): return a1 < b1 || (a1 == b1 && a2 < b2)
        default: return nil
        }
    }

    var isNotAvailableMarker: Bool {
        if case .string(let text) = self { return ByteText.equal(text, "<NA>") }
        return false
    }
}
