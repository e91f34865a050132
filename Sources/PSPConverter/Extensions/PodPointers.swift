import FalcoRulesText

/// JSON pointers into the audited pod, for the extension rules. Falco 0.31.1 has no `ka.*` field for
/// SELinux options, sysctls, seccomp profiles, runtime classes, init containers or CSI volumes, but
/// `jevt.value[<pointer>]` reads any single value; lists are visited through numbered slots (`/0`,
/// `/1`, …) up to a fixed bound. A slot past the end of a list reads as `<NA>` and never fires.
enum PodPointers {
    /// How many containers of each list (initContainers, containers) the extension rules examine.
    static let containersPerList = 16
    /// How many pod-level sysctls and volumes they examine.
    static let sysctls = 16
    static let volumes = 32

    static let spec = ["requestObject", "spec"]
    static let podSecurityContext = spec + ["securityContext"]
    static let annotations = ["requestObject", "metadata", "annotations"]

    /// `jevt.value[/requestObject/spec/...]`. The keys are fixed API field names and slot numbers, all
    /// of which a field index can hold.
    static func value(_ keys: [String]) -> String {
        guard let field = ConditionText.jevtValue(keys) else { preconditionFailure("no jevt.value field for \(keys)") }
        return field
    }

    /// The pointer of every container slot of `initContainers` then `containers`.
    static var containerSlots: [[String]] {
        ["initContainers", "containers"].flatMap { list in
            (0..<containersPerList).map { spec + [list, String($0)] }
        }
    }

    static var initContainerSlots: [[String]] {
        (0..<containersPerList).map { spec + ["initContainers", String($0)] }
    }

    /// `(a)` then `or (b)`, one operand per folded line.
    static func anyOf(_ operands: [String]) -> [String] {
        operands.enumerated().map { $0.offset == 0 ? "(\($0.element))" : "or (\($0.element))" }
    }

    /// `("<NA>","a","b")`-style list of quoted values.
    static func quotedList(_ values: [String]) -> String {
        "(" + values.map(PolicyValue.quoted).joined(separator: ",") + ")"
    }
}

extension SectionOutput {
    /// An extension section: banner, `lists` (rendered list items), one macro holding the check (folded,
    /// one operand per line), and a K8s Audit rule firing when the scoped pod matches it.
    static func extensionRule(_ context: ConversionContext, property: String, field: String, lists: [String] = [],
                              macroSuffix: String,
                              check: [String], desc: String, output: String, setting: String) -> SectionOutput {
        let names = context.names
        let macro = MacroBlock(name: names.macro(macroSuffix), condition: .foldedLines(check))
        let rule = RuleBlock.k8sAudit(names, "(\(property))", desc: desc, condition: macro.name, output: output)
        return .rules(title: "\(field) property (pspctl extension)",
                      body: (lists + [macro.render(), rule.render()]).joined(separator: "\n"),
                      rules: [rule], field: field, setting: setting)
    }
}
