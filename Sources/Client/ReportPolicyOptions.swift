import ArgumentParser
import Foundation
import PolicyReport

/// The options `report` and `check` share: the candidate policies, exemptions, the comparison's budget
/// and the output format. One place, so both commands judge and print alike.
struct ReportPolicyOptions: ParsableArguments {
    @Option(name: .customLong("policy"),
            help: ArgumentHelp("A candidate policy: pss:LEVEL:VERSION, psp:FILE or rules:FILE (repeatable).", valueName: "policy"),
            completion: .list(["pss:baseline:latest", "pss:restricted:latest", "psp:", "rules:"]))
    var policies: [String] = []

    @Option(help: ArgumentHelp("Output format: table, json, markdown, policyreport or openreports.", valueName: "format"))
    var format: ReportFormat = .table

    @Option(help: ArgumentHelp("The most restrictive policy breaking at most this many workloads is named.", valueName: "n"))
    var budget = 0

    @Option(name: .customLong("exempt-user"), help: ArgumentHelp("A user whose requests pss: policies exempt (repeatable).", valueName: "user"))
    var exemptUsers: [String] = []

    @Option(name: .customLong("exempt-namespace"), help: ArgumentHelp("A namespace whose pods pss: policies exempt (repeatable).", valueName: "namespace"))
    var exemptNamespaces: [String] = []

    @Option(name: .customLong("exempt-runtime-class"), help: ArgumentHelp("A runtime class whose pods pss: policies exempt (repeatable).", valueName: "class"))
    var exemptRuntimeClasses: [String] = []

    @Option(name: .customLong("admission-config"),
            help: ArgumentHelp("An AdmissionConfiguration or PodSecurityConfiguration file whose exemptions pss: policies apply.", valueName: "file"),
            completion: .file(extensions: ["yaml", "yml", "json"]))
    var admissionConfig: String?

    func validate() throws {
        guard !policies.isEmpty else {
            throw ValidationError("at least one --policy is required: \(ReportPolicies.specSyntax)")
        }
        guard budget >= 0 else { throw ValidationError("--budget must be 0 or more workloads") }
    }

    /// The policies loaded and the exemptions read, as a builder; a policy or file that cannot be used
    /// is `pspctl <command>: <why>`, exit 2.
    func builder(command: String) throws -> ReportBuilder {
        do {
            let loaded = try ReportPolicies.load(policies) { path in try RulesInput.read(path) }
            var exemptions = ReportExemptions(usernames: exemptUsers, namespaces: exemptNamespaces,
                                              runtimeClasses: exemptRuntimeClasses)
            if let admissionConfig {
                try exemptions.add(admissionConfig: try RulesInput.read(admissionConfig), name: admissionConfig)
            }
            return ReportBuilder(policies: loaded, exemptions: exemptions)
        } catch let error as ReportInputError {
            throw fail(command, error.message, status: 2)
        } catch let error as ConvertFailure {
            throw fail(command, error.message, status: 2)
        } catch {
            throw fail(command, "\(error)", status: 2)
        }
    }

    /// Prints the report on stdout in `--format` (a table in colour only on a terminal without NO_COLOR).
    func write(_ report: Report) {
        let color = format == .table && isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        FileHandle.standardOutput.write(Data(report.rendered(format, color: color).utf8))
    }
}

extension ReportFormat: ExpressibleByArgument {}
