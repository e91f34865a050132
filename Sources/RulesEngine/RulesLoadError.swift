/// A rules file that failed to load, worded as Falco 0.31.1 words it (falco-rules.md §12):
/// the message, then the offending item's lines between `---` markers.
public struct RulesLoadError: Error, Sendable, CustomStringConvertible {
    /// The file (path or name) being loaded.
    public var file: String
    /// Falco's message, e.g. `Undefined macro 'foo' used in filter.`.
    public var message: String
    /// The item's lines as they appear in the file (each ending with a newline), or nil.
    public var context: String?

    /// The file could not be read at all (nothing was parsed).
    public var isReadError: Bool

    public init(file: String, message: String, context: String?, isReadError: Bool = false) {
        self.file = file; self.message = message; self.context = context; self.isReadError = isReadError
    }

    /// `Could not load rules file <file>: 1 errors:` + message + context, as Falco prints it; a file that
    /// cannot be read is just the message.
    public var description: String {
        if isReadError { return message }
        var text = "Could not load rules file \(file): 1 errors:\n\(Self.bounded(message))"
        if let context { text += "\n---\n\(Self.bounded(context))---" }
        return text
    }

    /// Longest line, in characters, and most lines an error prints of its message and of its context;
    /// beyond them an input (a 400 KB condition on one line) is cut, with `…` where it was cut.
    static let printedLineCharacters = 4_096
    static let printedContextLines = 500

    private static func bounded(_ text: String) -> String {
        guard text.utf8.count > printedLineCharacters else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count > printedContextLines {
            let hidden = lines.count - printedContextLines
            lines = Array(lines.prefix(printedContextLines))
            lines.append("… (\(hidden) more lines)")
            if text.hasSuffix("\n") { lines.append("") }
        }
        return lines.map { line in
            LoaderLimits.bounded(String(line), to: printedLineCharacters)
        }.joined(separator: "\n")
    }
}

/// A problem reported while loading that does not stop it (falco-rules.md §12.3).
public struct RulesLoadWarning: Sendable, CustomStringConvertible, Equatable {
    public var message: String
    /// True for pspctl's own warnings that a rules file may judge nothing or mean something else than
    /// its author meant (no rules, unknown keys); shown unless the user asks for quiet. Falco's own
    /// load warnings (unused macros and lists, …) are shown, as by Falco, only when asked for (`-v`).
    public var isAboutMeaning: Bool
    public var description: String { message }
    public init(message: String, isAboutMeaning: Bool = false) {
        self.message = message; self.isAboutMeaning = isAboutMeaning
    }
}

/// An error inside one item, before the file name is known to the caller.
struct ItemError: Error {
    var message: String
    var context: String?
}
