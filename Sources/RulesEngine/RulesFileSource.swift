import YAMLKit

/// One rules file's text, split into YAML items and the raw lines Falco quotes as each item's context.
struct RulesFileSource {
    let name: String
    let text: String
    private let nonEmptyLines: [Substring]
    private let itemContexts: [String]

    init(name: String, text: String) {
        self.name = name
        self.text = text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        nonEmptyLines = lines.filter { !$0.isEmpty }
        // An item's context runs from a line starting with `-` (not a `---` marker) to the next line
        // starting with `-`, empty lines removed (falco-rules.md §12.1).
        var contexts: [String] = []
        var current: String?
        for line in lines {
            if line.hasPrefix("-") {
                if let c = current { contexts.append(c) }
                current = line.hasPrefix("---") ? nil : ""
            }
            if current != nil, !line.isEmpty { current! += line + "\n" }
        }
        if let c = current { contexts.append(c) }
        itemContexts = contexts
    }

    /// The context of the item with this index across all documents (empty when the layout defeats the count).
    func context(ofItem index: Int) -> String {
        index < itemContexts.count ? itemContexts[index] : ""
    }

    /// Three non-empty lines from `line` (1-based), the context Falco shows for YAML syntax errors.
    func yamlErrorContext(line: Int) -> String {
        let start = max(0, line - 1)
        guard start < nonEmptyLines.count else { return "" }
        return nonEmptyLines[start..<min(nonEmptyLines.count, start + 3)].map { $0 + "\n" }.joined()
    }

    var firstNonEmptyLine: String {
        nonEmptyLines.first.map { $0 + "\n" } ?? ""
    }
}
