import ArgumentParser
import AuditPipeline
import Foundation
import K8sAuditFields
import PolicyReport

/// `pspctl report`: what each candidate policy would reject, per workload, from an audit log. The logic
/// (attribution, judging, rendering) is `PolicyReport`'s; this reads the flags and the log.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Show which workloads, in which namespaces, candidate pod security policies would reject, from an audit log.",
        discussion: """
        One pass over the log judges every pod-creating request (create of a Pod, Deployment, ReplicaSet, \
        StatefulSet, DaemonSet, Job, CronJob, ReplicationController or PodTemplate; not updates, deletes or \
        subresources such as pods/exec; of a request logged at several stages, its ResponseComplete event) \
        by every --policy, and groups the requests into workloads: a pod or controller belongs to its \
        controller (metadata.ownerReferences), a ReplicaSet <deployment>-<pod-template-hash> to its \
        Deployment and a Job a CronJob created to the CronJob. A Deployment's create, its ReplicaSets and \
        their pods are one row, with the request count, first and last seen (stageTimestamp), the users \
        who sent them and, per policy, ✓, ✗ with the failing checks, or – when no request could be judged \
        (logged at level Metadata, without its object).

        Policies (repeatable, in the order given):
          pss:LEVEL:VERSION   a Pod Security Standards level (baseline, restricted) at v1.N or latest, \
        judged by Pod Security Admission's checks (its reasons and details)
          psp:FILE            every PodSecurityPolicy in FILE, each one a policy, judged through the rules \
        `pspctl convert` writes for it (pods only, as those rules)
          rules:FILE          any Falco rules file (or directory): each rule a pod-creating request \
        triggers is a failure (its name and output)
        --exempt-… and --admission-config exempt requests from pss: policies as Pod Security Admission does.

        With several policies the report also names the least restrictive one that breaks no workload and \
        the most restrictive one that breaks at most --budget workloads (default 0). Restrictiveness is \
        measured on the log: more workloads broken is more restrictive; ties go to more failing \
        (workload, check) pairs, then to the stricter Pod Security Standards level and newer version, \
        then to the later --policy.

        --format table (default; colour only on a terminal, never with NO_COLOR), json (stable keys, \
        see README), markdown (for a pull request or a ticket), policyreport (wgpolicyk8s.io/v1alpha2 \
        PolicyReport YAML, one per namespace, plus a ClusterPolicyReport for workloads without a namespace) \
        or openreports (openreports.io/v1alpha1 Report / ClusterReport): `kubectl apply -f` them and \
        Policy Reporter shows the dry run, one result per policy and workload (pass, fail, or skip when \
        nothing could be judged), source pspctl.

        On a terminal, standard error shows the lines and bytes read (against the file's size) while the \
        log is read, erased before the report is printed; not with --quiet.

        Exit status: 0 when the report is made, whatever it says (`pspctl check` is the gate); 2 for bad \
        usage, a policy or file that cannot be loaded, a log that cannot be read, or a line that is not an \
        audit event (with --keep-going such lines are skipped, counted in the report and the status is 0).

        Examples:
          pspctl report --audit-log /var/log/kubernetes/audit.log --policy pss:restricted:v1.30
          pspctl report --audit-log audit.jsonl --policy pss:baseline:latest --policy pss:restricted:latest \
        --policy psp:psps.yaml --budget 2
          pspctl report --audit-log - --policy rules:k8s_audit_rules.yaml --format json < audit.jsonl
          pspctl report --audit-log audit.log.gz --policy pss:restricted:latest --exempt-namespace kube-system --format markdown
          pspctl report --audit-log audit.jsonl --policy pss:restricted:v1.30 --format policyreport | kubectl apply -f -
        """)

    @Option(name: .customLong("audit-log"), help: ArgumentHelp("The audit log to read (a gzip file is read decompressed), or - for standard input.", valueName: "path"),
            completion: .file(extensions: ["jsonl", "json", "log", "gz"]))
    var auditLog: String

    @OptionGroup var policyOptions: ReportPolicyOptions

    @Option(name: .customLong("max-line-bytes"),
            help: ArgumentHelp("Reject a log line longer than this many bytes (default 64 MiB), without reading it into memory.", valueName: "n"))
    var maxLineBytes: Int = AuditLogReader.defaultMaxLineBytes

    @Flag(name: .customLong("keep-going"), help: "Skip and count lines that are not audit events instead of stopping.")
    var keepGoing = false

    @Flag(name: .shortAndLong, help: "Print nothing on stderr but errors.")
    var quiet = false

    func validate() throws {
        guard maxLineBytes > 0 else { throw ValidationError("--max-line-bytes must be a positive number of bytes") }
    }

    func run() throws {
        var builder = try policyOptions.builder(command: "report")
        let reader: AuditLogReader
        do { reader = try AuditLogReader(path: auditLog, maxLineBytes: maxLineBytes) } catch {
            throw fail("report", "\(error)", status: 2)
        }
        var failure: String?
        // Bytes read: the reader's offset in a regular file (overlong lines included), else the lines' own.
        let progress = TerminalProgress.make(
            ReadProgress(label: "pspctl report", unit: "lines", totalBytes: reader.isCompressed ? nil : Self.regularFileSize(auditLog)),
            quiet: quiet)
        var linesBytes = 0
        func advance(_ count: Int) {
            guard let progress else { return }
            linesBytes += count + 1
            progress.advance(bytes: reader.position?.offset ?? linesBytes)
        }
        reader.forEachLine { line, number in
            advance(line.count)
            do {
                try builder.add(line: line, number: number)
                return true
            } catch {
                progress?.clear()
                return badLine(number: number, line: line, reason: "\(error)", into: &builder, failure: &failure)
            }
        } onOverlongLine: { prefix, number in
            advance(maxLineBytes)
            progress?.clear()
            return badLine(number: number, line: prefix, reason: "line is longer than \(maxLineBytes) bytes", truncated: true,
                           into: &builder, failure: &failure)
        } onChunkEnd: {
        } onReadError: { message in
            failure = message
        }
        progress?.clear()
        if let failure { throw fail("report", failure, status: 2) }
        let report = builder.report(budget: policyOptions.budget)
        if !quiet && report.log.unjudgedRequests > 0 {
            let count = report.log.unjudgedRequests
            printError("pspctl report: warning: \(count) pod-creating request\(count == 1 ? "" : "s") carried no object (audit level Metadata) and could not be judged; log pods and their controllers at level Request in the audit policy\n")
        }
        policyOptions.write(report)
    }

    /// The size of a regular file (nil for standard input, a pipe, or what cannot be read).
    static func regularFileSize(_ path: String) -> Int? {
        guard path != "-", let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular else { return nil }
        return (attributes[.size] as? NSNumber)?.intValue
    }

    /// A line that is not audit events: stops the run (exit 2), or with --keep-going is said, skipped and counted.
    private func badLine(number: Int, line: UnsafeBufferPointer<UInt8>, reason: String, truncated: Bool = false,
                         into builder: inout ReportBuilder, failure: inout String?) -> Bool {
        var shown = String(decoding: line.prefix(120), as: UTF8.self)
        if truncated || line.count > 120 { shown += "…" }
        let message = "line \(number) of \(auditLog == "-" ? "standard input" : auditLog) is not an audit event (\"\(shown)\"): \(reason)"
        guard keepGoing else {
            failure = message + " (--keep-going skips such lines)"
            return false
        }
        builder.skipLine(number: number)
        if !quiet { printError("pspctl report: \(TextEscaping.escaped(message)), skipping\n") }
        return true
    }
}
