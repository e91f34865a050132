/// Falco 0.31.1's condition language: text → ConditionNode, with Falco's exact syntax errors.
/// Macro references stay unresolved and list names must already be substituted (both are the
/// loader's job, falco-rules.md §3.2 and §4).
public enum ConditionParser {
    /// Parses a macro or rule condition as Falco 0.31.1 does (falco-rules.md §6).
    ///
    /// - Returns: the expression tree, or nil when the text holds no expression: it is empty,
    ///   whitespace only, or its first non-space character is `#` (Falco then crashes in its loader;
    ///   the caller turns nil into a clear error).
    /// - Throws: a ConditionSyntaxError worded exactly as Falco's, e.g.
    ///   `12: syntax error, unexpected '=', expecting 'BareString', 'String', 'Number'`
    ///   (Falco's loader prefixes it with `Compilation error when compiling "<text>": `).
    public static func parse(_ text: String) throws(ConditionSyntaxError) -> ConditionNode? {
        try ConditionGrammar.parse(text)
    }

    /// A number as Falco's Lua loader prints it (LuaJIT `tostring`, i.e. `%.14g` with ties rounded up):
    /// `16`, `1000`, `0.5`, `1e-05`, `1.2345678901235e+14`, `inf`, `-inf`, `nan`, `-0`.
    /// Used for number tokens in conditions and for YAML numbers in rules files (falco-rules.md §2.1).
    public static func formatNumber(_ value: Double) -> String {
        LuaNumberFormat.string(from: value)
    }

    /// The first macro reference that `isDefined` rejects, searched in Falco's order, as Falco's full
    /// message: `Undefined macro 'foo' used in filter.` or `Undefined macro foo used in filter.`
    /// depending on the reference's position (falco-rules.md §4.1). Nil when every reference is defined.
    public static func firstUndefinedMacro(in node: ConditionNode, isDefined: (String) -> Bool) -> String? {
        MacroReferences.firstUndefined(in: node, isDefined: isDefined)
    }
}
