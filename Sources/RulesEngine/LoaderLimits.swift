/// The bounds the loader puts on what a rules file can make it build (issue 13: no input may crash the
/// loader or exhaust memory). Each is far above what Falco's own rules files and pspctl's PSP conversions
/// need; passing one is a load error naming the file (in `RulesLoadError`), the item and the limit.
enum LoaderLimits {
    /// Items of one list after the lists it names are expanded in it (falco-rules.md §3.1). Lists naming
    /// lists multiply: 9 levels of 10 in a 687-byte file would make 10⁹ items. A PSP with 20,000
    /// forbidden sysctls gives lists of 20,000 items.
    static let maximumListItems = 1_000_000
    /// Items of all expanded lists of one load together (many lists each just under the limit above).
    static let maximumTotalListItems = 10_000_000
    /// Bytes of one macro's or rule's condition text after list substitution (§3.2).
    static let maximumConditionBytes = 32 << 20
    /// Bytes of condition text list substitution may produce for all conditions of one load together
    /// (one big list named in many rules).
    static let maximumTotalConditionBytes = 128 << 20
    /// Nodes (checks, `and`/`or` groups and `not`s) of one rule's condition after macro expansion
    /// (§4). Macros that name the previous macro twice double at every step; Falco's own
    /// `falco_rules.yaml` stays under 200 nodes per rule.
    static let maximumExpandedNodes = 1_000_000
    /// Nesting of `and`/`or`/`not` in one rule's condition after macro expansion (consecutive `and`s or
    /// `or`s are one level). Every walk of a filter, including evaluating an event, recurses per level.
    static let maximumExpandedDepth = 500
    /// Characters of an input item that the "Unknown top level object" warning quotes.
    static let quotedItemCharacters = 200
    /// Characters of a condition that a compilation error quotes.
    static let quotedConditionCharacters = 2_000

    /// `text`, or its first `limit` characters and `…` when it is longer.
    static func bounded(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var end = text.startIndex
        var count = 0
        while count < limit, end < text.endIndex {
            end = text.index(after: end)
            count += 1
        }
        return end == text.endIndex ? text : String(text[..<end]) + "…"
    }
}
