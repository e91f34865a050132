/// Values that trip naive writers: YAML-typed words and numbers, YAML indicators, condition syntax,
/// quotes, backslashes, control characters, line breaks libyaml folds, and non-ASCII text.
enum TrickyValues {
    static let lyamlNonStrings = [
        "", "~", "null", "Null", "NULL", "012", "00", "08", "1_000", "+5", "-1", "1:30", "1:30.5", "1.50", ".5", "1e3",
        "0x1F", "0b101", "_1", "_.5", "yes", "No", "ON", "off", "true", "FALSE", ".inf", "-.Inf", ".NaN", "y", "n",
    ]
    static let yamlIndicators = [
        "-x", "- x", "*x", "&x", "!x", "|x", ">x", "?x", ":x", "%x", "@x", "`x", "#x", "'x", "\"x", "[x]", "{x}", ",x",
        "a: b", "a #b", "a:", "a,b", "a]b", "a}b", "a:b", "a#b", "...", "---", "#", "'", "\"",
    ]
    static let quotesAndBackslashes = [
        "a'b", "a\"b", "a'b\"c", "a\\'b\"c", "\\", "a\\", "a\\\\", "a\\\"b", "back\\slash", "C:\\x", "it's \"quoted\"",
    ]
    static let controlsAndBreaks = [
        "tab\there", "line\nbreak", "cr\rlf", "\u{7}bell", "del\u{7F}", "nel\u{85}x", "c1\u{9B}x", "ls\u{2028}ps\u{2029}",
        "\u{FEFF}bom", "nonchar\u{FFFF}", " lead", "trail ", " ",
    ]
    static let words = [
        "nginx", "kernel.shm_rmid_forced", "/var/log", "*", "acme/lvm", "a.b:c@d+e-f", "system:serviceaccount:ops:deployer",
        "10.0.0.1:5000/app", "and", "or", "not", "in", "exists", "x=y", "x(y)", "x y", "<NA>", "München", "日本語",
        "emoji 🎉", "\u{10FFFF}", "(jevt.rawtime exists)", "fd.typechar='f' and fd.num>=0",
        "ka.req.pod.containers.host_port in (\"8000:8080\",\"<NA>\")", "50%",
    ]

    static let all = lyamlNonStrings + yamlIndicators + quotesAndBackslashes + controlsAndBreaks + words
}

/// `text` for assertion messages, with invisible characters spelled out.
func shown(_ text: String) -> String { text.debugDescription }
