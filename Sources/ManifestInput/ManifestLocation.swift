/// Where a manifest object was read: the file (or standard input), its document (1-based, as a YAML
/// parser counts them: a comment-only preamble before the first `---` is no document, an empty document
/// between two `---` is one), the line the document starts on, and for an object inside a `List` its item
/// (1-based). `helmSource` is the `# Source: chart/templates/x.yaml` comment `helm template` writes at the
/// start of each document.
public struct ManifestLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var document: Int
    public var line: Int
    /// The item path inside nested lists (`[3]` for item 3 of a List, `[2, 1]` for a List inside a List).
    public var items: [Int]
    public var helmSource: String?

    public init(file: String, document: Int, line: Int, items: [Int] = [], helmSource: String? = nil) {
        self.file = file; self.document = document; self.line = line; self.items = items; self.helmSource = helmSource
    }

    /// `deploy.yaml: document 2 (line 14), item 3 (# Source: chart/templates/web.yaml)`.
    public var description: String {
        var text = "\(file == "-" ? "standard input" : file): document \(document) (line \(line))"
        if !items.isEmpty { text += ", item " + items.map(String.init).joined(separator: ".") }
        if let helmSource { text += " (# Source: \(helmSource))" }
        return text
    }

    /// The short form a report row shows: `deploy.yaml#2`, `list.yaml#1.3`, and for a Helm stream the
    /// template it came from, `chart/templates/web.yaml (-#4)`.
    public var short: String {
        var text = "\(file)#\(document)"
        if !items.isEmpty { text += "." + items.map(String.init).joined(separator: ".") }
        if let helmSource { text = "\(helmSource) (\(text))" }
        return text
    }
}

/// A manifest that cannot be judged (a YAML or JSON syntax error, a document that is not an object, a
/// workload kind without a pod spec …), or an input that cannot be read. `location` is nil for a whole
/// file (not readable, not UTF-8, too large).
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var location: ManifestLocation?
    public var message: String
    public init(file: String, location: ManifestLocation? = nil, message: String) {
        self.file = file; self.location = location; self.message = message
    }
    public var description: String { "\(location?.description ?? (file == "-" ? "standard input" : file)): \(message)" }
}
