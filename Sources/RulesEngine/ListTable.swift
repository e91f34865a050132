/// The compiled lists of one second pass (falco-rules.md §3): each list's items with the lists it names
/// expanded in place (§3.1), and the substitution of list names into condition texts (§3.2).
///
/// Falco substitutes list after list, each by scanning the whole text for its name between delimiters.
/// Here one pass over the text looks each delimiter-bounded word up among the list names, with the same
/// result: a name is only ever found inside one word (delimiters bound it), a list's expansion is
/// searched afterwards only for lists that come later in list order (their passes run after it was
/// inserted), so the text that replaces list `i` is the same wherever it stands and is computed once.
/// Only when a list name is empty or holds a delimiter itself is the list-after-list scan kept.
struct ListTable {
    private(set) var used: Set<String> = []
    private var names: [String] = []
    private var indexByName: [[UInt8]: Int] = [:]
    private var nameLengths: Set<Int> = []
    /// What replaces each list's name: its items joined by `, `, with later lists' names substituted in
    /// turn; nil when that text would pass the size limit.
    private var replacements: [[UInt8]?] = []
    private var matcher = ListNameMatcher(names: [])
    /// Some list name is empty or holds a delimiter: Falco's list-after-list scan is used.
    private var scansListByList = false
    /// Bytes produced by substitution so far in this load (`LoaderLimits.maximumTotalConditionBytes`).
    private var producedBytes = 0

    /// No lists.
    init() {}

    init(_ definitions: RuleDefinitions) throws(ItemError) {
        var expanded: [String: [String]] = [:]
        var expansions: [[UInt8]] = []
        var totalItems = 0
        for name in definitions.listOrder {
            guard let list = definitions.lists[name] else { continue }
            var items: [String] = []
            for item in list.items {
                let text = item.text ?? ""
                if case .string = item, let inner = expanded[text] {
                    guard items.count + inner.count <= LoaderLimits.maximumListItems else {
                        throw Self.tooManyItems(name, context: list.context)
                    }
                    items += inner
                    used.insert(text)
                } else {
                    guard items.count < LoaderLimits.maximumListItems else { throw Self.tooManyItems(name, context: list.context) }
                    items.append(Self.quoted(text))
                }
            }
            totalItems += items.count
            guard totalItems <= LoaderLimits.maximumTotalListItems else {
                throw ItemError(message: "List \(name): the expanded lists of this load hold more than "
                    + "\(LoaderLimits.maximumTotalListItems) items together (pspctl's limit)", context: list.context)
            }
            expanded[name] = items
            names.append(name)
            expansions.append(Array(items.joined(separator: ", ").utf8))
        }
        let nameBytes = names.map { Array($0.utf8) }
        scansListByList = nameBytes.contains { $0.isEmpty || $0.contains(where: Self.isDelimiter) }
        for (index, bytes) in nameBytes.enumerated() where indexByName[bytes] == nil {
            indexByName[bytes] = index
            nameLengths.insert(bytes.count)
        }
        matcher = ListNameMatcher(names: nameBytes)
        // Later lists first, so that each replacement can use those of the lists after it.
        replacements = Array(repeating: nil, count: names.count)
        for index in names.indices.reversed() {
            if scansListByList {
                replacements[index] = expansions[index]
                continue
            }
            guard expansions[index].contains(where: { !Self.isDelimiter($0) }),
                  wordsNameLaterList(expansions[index], after: index) else {
                replacements[index] = expansions[index]
                continue
            }
            var out: [UInt8] = []
            if substitute(expansions[index], after: index, into: &out) {
                producedBytes += out.count
                guard producedBytes <= LoaderLimits.maximumTotalConditionBytes else {
                    throw ItemError(message: Self.totalTooLong("List \(names[index])"),
                                    context: definitions.lists[names[index]]?.context)
                }
                replacements[index] = out
            }
        }
    }

    /// List-item quoting: wrap in `"` when the item has a space and does not start with a quote.
    static func quoted(_ item: String) -> String {
        guard item.contains(" "), let first = item.first, first != "\"", first != "'" else { return item }
        return "\"" + item + "\""
    }

    /// `text` with list names substituted (§3.2), and the lists whose names occur in it marked used.
    /// `owner` names the macro or rule in a limit error.
    mutating func substitute(_ text: String, owner: String, context: String) throws(ItemError) -> String {
        guard !names.isEmpty else { return text }
        if scansListByList { return try substituteListByList(text, owner: owner, context: context) }
        let bytes = Array(text.utf8)
        markNamesOccurring(in: bytes)
        guard wordsNameLaterList(bytes, after: -1) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        guard substitute(bytes, after: -1, into: &out) else {
            throw ItemError(message: Self.tooLong(owner), context: context)
        }
        try count(out.count, owner: owner, context: context)
        markNamesOccurring(in: out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `bytes` to `out` with every word that names a list after `index` (in list order)
    /// replaced; false when the result would pass the size limit.
    private func substitute(_ bytes: [UInt8], after index: Int, into out: inout [UInt8]) -> Bool {
        var start = 0
        while start < bytes.count {
            if Self.isDelimiter(bytes[start]) {
                out.append(bytes[start])
                start += 1
                continue
            }
            var end = start + 1
            while end < bytes.count, !Self.isDelimiter(bytes[end]) { end += 1 }
            if let list = listIndex(bytes[start..<end]), list > index {
                guard let replacement = replacements[list] else { return false }
                out += replacement
            } else {
                out += bytes[start..<end]
            }
            guard out.count <= LoaderLimits.maximumConditionBytes else { return false }
            start = end
        }
        return true
    }

    private func wordsNameLaterList(_ bytes: [UInt8], after index: Int) -> Bool {
        var start = 0
        while start < bytes.count {
            if Self.isDelimiter(bytes[start]) { start += 1; continue }
            var end = start + 1
            while end < bytes.count, !Self.isDelimiter(bytes[end]) { end += 1 }
            if let list = listIndex(bytes[start..<end]), list > index { return true }
            start = end
        }
        return false
    }

    private func listIndex(_ word: ArraySlice<UInt8>) -> Int? {
        guard nameLengths.contains(word.count) else { return nil }
        return indexByName[Array(word)]
    }

    /// Falco marks a list used when its name occurs anywhere in the text, even inside a longer word.
    private mutating func markNamesOccurring(in bytes: [UInt8]) {
        var found: [Int] = []
        matcher.scan(bytes) { found.append($0) }
        for index in found { used.insert(names[index]) }
    }

    private mutating func count(_ bytes: Int, owner: String, context: String) throws(ItemError) {
        producedBytes += bytes
        guard producedBytes <= LoaderLimits.maximumTotalConditionBytes else {
            throw ItemError(message: Self.totalTooLong(owner), context: context)
        }
    }

    /// Falco's own scan, list after list (each list scans the text as the previous ones left it), for
    /// list names that a word lookup cannot find.
    private mutating func substituteListByList(_ text: String, owner: String, context: String) throws(ItemError) -> String {
        var bytes = Array(text.utf8)
        for (index, name) in names.enumerated() {
            let needle = Array(name.utf8)
            guard !needle.isEmpty, bytes.count >= needle.count else { continue }
            if Self.contains(bytes, needle) { used.insert(name) }
            let insert = replacements[index] ?? []
            var i = 0
            while i + needle.count <= bytes.count {
                if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle),
                   i == 0 || Self.isDelimiter(bytes[i - 1]),
                   i + needle.count == bytes.count || Self.isDelimiter(bytes[i + needle.count]) {
                    bytes.replaceSubrange(i..<(i + needle.count), with: insert)
                    guard bytes.count <= LoaderLimits.maximumConditionBytes else {
                        throw ItemError(message: Self.tooLong(owner), context: context)
                    }
                    i += insert.count
                } else {
                    i += 1
                }
            }
        }
        try count(bytes.count, owner: owner, context: context)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    /// The characters that bound a list name: C's space class, `(`, `)`, `,`, `=`.
    static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }

    private static func tooManyItems(_ name: String, context: String) -> ItemError {
        ItemError(message: "List \(name) has more than \(LoaderLimits.maximumListItems) items once the lists it "
            + "names are expanded (pspctl's limit per list)", context: context)
    }

    private static func tooLong(_ owner: String) -> String {
        "\(owner): the condition is longer than \(LoaderLimits.maximumConditionBytes) bytes once list names "
            + "are substituted (pspctl's limit per condition)"
    }

    private static func totalTooLong(_ owner: String) -> String {
        "\(owner): list substitution makes the conditions of this load longer than "
            + "\(LoaderLimits.maximumTotalConditionBytes) bytes together (pspctl's limit)"
    }
}
