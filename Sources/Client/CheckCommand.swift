import ArgumentParser
import AuditPipeline
import Foundation
import K8sAuditFields
import ManifestInput
import PolicyReport

/// `pspctl check`: judges manifests by the candidate policies, as a CI gate. Reading is ManifestInput's,
/// judging and rendering PolicyReport's (the same as `report`'s); this reads the flags and the inputs.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check manifests against candidate pod security policies; exit 1 when a workload would be rejected.",
        discussion: """
        Reads Kubernetes manifests (multi-document YAML, JSON, List and <Kind>List objects) from files, \
        directories (recursively: their .yaml, .yml and .json files in sorted order; names starting with \
        "." are skipped) or standard input (-f -, such as `helm template` output), and judges every Pod, \
        Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet, ReplicationController and PodTemplate \
        by every --policy. Objects of other kinds are counted and not judged.

        Each object is one workload row: its namespace (metadata.namespace, else --namespace), kind and \
        name. It is judged as the request that would create it: a synthetic audit event (verb create, \
        its resource, namespace and name in objectRef, the object as requestObject, user pspctl-check), \
        so pss:, psp: and rules: policies judge it exactly as `pspctl report` judges a logged create. A \
        controller is also judged by the create of the first pod its template makes (a PodTemplate makes \
        none), since that pod is what Pod Security Admission rejects and what psp: and pod rules see. \
        pss: policies run Pod Security Admission's checks on the pod spec (the pod's, or the template's).

        Policies, exemptions, --budget and --format are `pspctl report`'s (see `pspctl report --help`).

        A manifest that cannot be judged (a YAML or JSON syntax error, a document that is not an object \
        or has no kind, a workload without a pod template, a file that cannot be read) is an error on \
        stderr naming the file and the document (1-based, with its first line); every other manifest is \
        still judged and reported.

        Exit status: 0 when no workload fails any policy; 1 when some workload fails some policy (it, or \
        the pods it makes, would be rejected); 2 for bad usage, a policy that cannot be loaded, a path \
        that does not exist, or any manifest error (after judging the rest; with --keep-going manifest \
        errors are still said, and the status is 0 or 1 as the verdicts say).

        Examples:
          pspctl check -f deploy/web.yaml --policy pss:restricted:v1.30
          pspctl check -f k8s/ --policy pss:baseline:latest --format markdown
          helm template web ./chart | pspctl check -f - --policy pss:restricted:latest
          pspctl check -f manifests/ --policy psp:psps.yaml -n team-a --format json
        """)

    @Option(name: [.customShort("f"), .customLong("filename")],
            help: ArgumentHelp("A manifest file, a directory of them, or - for standard input (repeatable).", valueName: "path"),
            completion: .file(extensions: ["yaml", "yml", "json"]))
    var filenames: [String] = []

    @Option(name: [.customShort("n"), .customLong("namespace")],
            help: ArgumentHelp("The namespace of objects whose manifest sets none.", valueName: "namespace"))
    var namespace = "default"

    @OptionGroup var policyOptions: ReportPolicyOptions

    @Option(name: .customLong("max-input-bytes"),
            help: ArgumentHelp("Refuse a file (or standard input) larger than this many bytes (default 64 MiB).", valueName: "n"))
    var maxInputBytes = 64 << 20

    @Flag(name: .customLong("keep-going"), help: "Manifest errors do not set exit status 2 (they are still printed).")
    var keepGoing = false

    @Flag(name: .shortAndLong, help: "Print nothing on stderr but errors.")
    var quiet = false

    func validate() throws {
        guard !filenames.isEmpty else { throw ValidationError("at least one -f FILE|DIR|- is required") }
        guard filenames.filter({ $0 == "-" }).count <= 1 else { throw ValidationError("-f - (standard input) can be given once") }
        if filenames.contains("-") {
            let readers = policyOptions.policies.filter { $0.hasSuffix(":-") } + (policyOptions.admissionConfig == "-" ? ["--admission-config -"] : [])
            guard readers.isEmpty else {
                throw ValidationError("standard input can be read once: -f - and \(readers.joined(separator: ", ")) both read it")
            }
        }
        guard !namespace.isEmpty else { throw ValidationError("--namespace must not be empty") }
        guard maxInputBytes > 0 else { throw ValidationError("--max-input-bytes must be a positive number of bytes") }
    }

    func run() throws {
        // Every path must exist before anything is judged: a typo is a usage error, not a partial check.
        var inputs: [[String]] = []
        for path in filenames {
            if path == "-" { inputs.append(["-"]); continue }
            do { inputs.append(try ManifestReader.files(for: path)) } catch {
                throw fail("check", error.description, status: 2)
            }
        }
        var check = ManifestCheck(builder: try policyOptions.builder(command: "check"), defaultNamespace: namespace)
        let reader = ManifestReader(maxInputBytes: maxInputBytes)
        // On a terminal: documents read, and bytes of the files read against their total (none with stdin).
        let files = Array(inputs.joined())
        let sizes = files.map { $0 == "-" ? nil : ReportCommand.regularFileSize($0) }
        let progress = TerminalProgress.make(
            ReadProgress(label: "pspctl check", unit: "documents",
                         totalBytes: sizes.contains { $0 == nil } ? nil : sizes.reduce(0) { $0 + ($1 ?? 0) }),
            quiet: quiet)
        var doneBytes = 0
        func take(_ item: ManifestItem) {
            progress?.advance(bytes: doneBytes)
            if let error = check.add(item) {
                progress?.clear()
                printError("pspctl check: \(TextEscaping.escaped(error.description))\n")
            }
        }
        for (file, size) in zip(files, sizes) {
            check.countInput()
            if file == "-" {
                switch Self.readStandardInput(limit: maxInputBytes) {
                case .success(let data): reader.read(data: data, name: "-", body: take)
                case .failure(let error): take(.invalid(error))
                }
            } else {
                reader.read(file: file, body: take)
            }
            doneBytes += size ?? 0
            progress?.advance(items: 0, bytes: doneBytes)
        }
        progress?.clear()
        let report = check.report(budget: policyOptions.budget)
        if !quiet && report.workloads.isEmpty {
            printError("pspctl check: warning: the manifests hold no Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet, ReplicationController or PodTemplate\n")
        }
        policyOptions.write(report)
        let errors = check.counts.errors
        if errors > 0 {
            printError("pspctl check: \(errors) manifest error\(errors == 1 ? "" : "s")\(keepGoing ? " (--keep-going)" : ""); every other manifest was judged\n")
        }
        if errors > 0 && !keepGoing { throw ExitCode(2) }
        let fails = report.workloads.contains { row in row.verdicts.contains { $0.result != "pass" && $0.result != "unjudged" } }
        if fails { throw ExitCode(1) }
    }

    /// Standard input, read up to one byte past `limit` (so a larger stream is refused without being held).
    static func readStandardInput(limit: Int) -> Result<Data, ManifestError> {
        func failure(_ message: String) -> Result<Data, ManifestError> {
            .failure(ManifestError(file: "-", message: message))
        }
        guard !AuditLogReader.standardInputWasClosed else { return failure("cannot read standard input: it is closed") }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while data.count <= limit {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(0, $0.baseAddress, $0.count) }
            if count == 0 { return .success(data) }
            if count < 0 {
                if errno == EINTR { continue }
                return failure("cannot read standard input: \(String(cString: strerror(errno)))")
            }
            data.append(contentsOf: chunk[..<count])
        }
        return failure("larger than \(limit) bytes (--max-input-bytes)")
    }
}
