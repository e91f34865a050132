/// One document of an input, before it is parsed.
struct ManifestDocument {
    var text: Substring
    /// 1-based line of the document's first line in the input.
    var line: Int
    var helmSource: String?
}

/// Splits inputs into documents without parsing them, so that a syntax error in one document leaves
/// the others readable.
enum ManifestDocuments {
    /// A YAML stream, split as kubectl's YAML reader splits it: at lines that start with `---` followed by
    /// nothing but blanks or a comment. The text before the first separator is a document only when it
    /// holds something besides blanks and comments (a preamble of comments is not one).
    static func yaml(_ text: String) -> [ManifestDocument] {
        var documents: [ManifestDocument] = []
        var start = text.startIndex
        var startLine = 1
        var first = true
        func close(at end: String.Index) {
            let body = text[start..<end]
            if !first || !isBlank(body) {
                documents.append(ManifestDocument(text: body, line: startLine, helmSource: helmSource(body)))
            }
            first = false
        }
        for (number, line) in lines(of: text[...]).enumerated() where isSeparator(line.text) {
            close(at: line.text.startIndex)
            start = line.next
            startLine = number + 2
        }
        close(at: text.endIndex)
        return documents
    }

    /// The lines of a text (split at LF bytes, so CRLF lines keep their CR), each with the index after
    /// its LF.
    static func lines(of text: Substring) -> [(text: Substring, next: String.Index)] {
        var result: [(text: Substring, next: String.Index)] = []
        let utf8 = text.utf8
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let end = utf8[index...].firstIndex(of: 0x0A) ?? utf8.endIndex
            let next = end < utf8.endIndex ? utf8.index(after: end) : end
            result.append((text[index..<end], next))
            index = next
        }
        return result
    }

    static func isSeparator(_ line: Substring) -> Bool {
        guard line.hasPrefix("---") else { return false }
        let rest = line.dropFirst(3).drop { $0 == " " || $0 == "\t" || $0 == "\r" }
        return rest.isEmpty || rest.first == "#"
    }

    /// Only blanks and comments.
    static func isBlank(_ text: Substring) -> Bool {
        lines(of: text).allSatisfy { line in
            let trimmed = line.text.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
            return trimmed.isEmpty || trimmed.first == "#"
        }
    }

    /// `# Source: chart/templates/x.yaml`, the first such comment before the document's content.
    static func helmSource(_ text: Substring) -> String? {
        for line in lines(of: text) {
            let trimmed = line.text.drop { $0 == " " || $0 == "\t" }.trimmingTrailingBlanks()
            guard trimmed.first == "#" else {
                if trimmed.isEmpty { continue }
                return nil
            }
            let comment = trimmed.dropFirst().drop { $0 == " " }
            if comment.hasPrefix("Source:") {
                let path = comment.dropFirst("Source:".count).drop { $0 == " " }
                return path.isEmpty ? nil : String(path)
            }
        }
        return nil
    }

    /// A stream of JSON texts (one object, or several one after another as `kubectl get -o json` and
    /// JSON-lines tools write them), split at the end of each top-level value without parsing it: a
    /// value that does not end (an unclosed string or bracket) takes the rest of the input, whose parse
    /// then says what is wrong.
    static func json(_ text: String) -> [ManifestDocument] {
        let bytes = Array(text.utf8)
        var documents: [ManifestDocument] = []
        var index = 0
        var line = 1
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while index < bytes.count {
            if isSpace(bytes[index]) {
                if bytes[index] == 0x0A { line += 1 }
                index += 1
                continue
            }
            let start = index
            let startLine = line
            if bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "[") {
                var depth = 0
                var inString = false
                var escaped = false
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == 0x0A { line += 1 }
                    index += 1
                    if inString {
                        if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                        continue
                    }
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                    default: break
                    }
                    if depth == 0 { break }
                }
            } else {
                // A scalar (or garbage): up to the next blank or the start of a value.
                while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: "{"), bytes[index] != UInt8(ascii: "[") {
                    index += 1
                }
            }
            let body = String(decoding: bytes[start..<index], as: UTF8.self)
            documents.append(ManifestDocument(text: Substring(body), line: startLine, helmSource: nil))
        }
        return documents
    }

    /// Whether a text is JSON rather than YAML: its first non-blank character opens a JSON object, as
    /// kubectl's YAML-or-JSON decoder decides.
    static func looksLikeJSON(_ text: String) -> Bool {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        return body.first { !($0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n") } == "{"
    }
}

extension Substring {
    func trimmingTrailingBlanks() -> Substring {
        var text = self
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return text
    }
}
