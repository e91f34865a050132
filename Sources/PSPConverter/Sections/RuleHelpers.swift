extension RuleBlock {
    /// A K8s Audit rule in falcoctl's style: folded desc, condition after the scope macro, output with
    /// the common tail.
    static func k8sAudit(_ names: RuleNames, _ suffix: String, desc: String, condition: String, output: String,
                         skipIfUnknownFilter: Bool = false) -> RuleBlock {
        RuleBlock(name: names.rule(suffix), desc: .folded(desc), condition: .line("\(names.kaContainer) and \(condition)"),
                  output: .line(names.kaOutput(output)), source: .k8sAudit, skipIfUnknownFilter: skipIfUnknownFilter)
    }
}

extension Optional where Wrapped == Bool {
    /// How an optional PSP boolean reads in the summary.
    var summaryText: String { map { String($0) } ?? "absent" }
}

extension Array where Element == IDRange {
    /// `1-100, 200-300` for summaries.
    var summaryText: String { isEmpty ? "no ranges" : map { "\($0.min)-\($0.max)" }.joined(separator: ", ") }
}
