import AuditJSON

/// Checks of the form `field = "word"` on one field, decided together. Falco's rules test one field
/// against many words, each in its own macro (`ka.target.resource=pods`, `=services`, `=configmaps` …),
/// so an event would otherwise compare the same value a dozen times. Here one memoised extraction and one
/// scan decide every member: when the field's value is a single string, exactly the member naming it
/// holds. Any other value (none, several, a number, `<NA>`) is left to the members' own evaluation, so
/// the results are those of the checks, by construction.
public final class K8sEqualitySwitch: Sendable {
    /// Positions, in the array given to `switches(over:)`, of the member checks.
    public let members: [Int]
    private let reference: K8sFieldReference
    /// The word of each member, as UTF-8, in `members` order.
    private let words: [[UInt8]]

    private init(members: [Int], reference: K8sFieldReference, words: [[UInt8]]) {
        self.members = members
        self.reference = reference
        self.words = words
    }

    /// The switches over `checks`: every group of two or more string equality checks on the same field
    /// (and index). Checks in no group are not mentioned.
    public static func switches(over checks: [K8sCheck]) -> [K8sEqualitySwitch] {
        var groups: [Int: [(position: Int, word: String)]] = [:]
        var order: [Int] = []
        for (position, check) in checks.enumerated() {
            guard case .equal(.string(let word)) = check.compiled else { continue }
            let slot = check.reference.slot
            if groups[slot] == nil { order.append(slot) }
            groups[slot, default: []].append((position, word))
        }
        return order.compactMap { slot in
            guard let group = groups[slot], group.count > 1 else { return nil }
            return K8sEqualitySwitch(members: group.map(\.position),
                                     reference: checks[group[0].position].reference,
                                     words: group.map { Array($0.word.utf8) })
        }
    }

    public enum Decision: Equatable {
        /// The value is not a single string: each member must be evaluated on its own.
        case undecided
        /// The position (in `switches(over:)`'s input) of the member that holds, or nil when none does.
        case decided(holding: Int?)
    }

    /// Decides every member for the event of `context`; throws what the members' extraction throws.
    public func decide(in context: K8sEventContext) throws(K8sEvaluationError) -> Decision {
        let document = context.document
        return try context.withValues(of: reference) { values -> Decision in
            switch values {
            case .one(.string(let text)):
                return ByteText.withBytes(of: text) { .decided(holding: member(spelling: $0)) }
            case .jsonString(let position):
                return document.withStringBytes(at: position) { .decided(holding: member(spelling: $0)) } ?? .undecided
            default:
                return .undecided
            }
        }
    }

    private func member(spelling bytes: ByteText.Bytes) -> Int? {
        for (i, word) in words.enumerated() where word.count == bytes.count {
            let same = word.withUnsafeBufferPointer { ByteText.equal($0, bytes) }
            if same { return members[i] }
        }
        return nil
    }
}
