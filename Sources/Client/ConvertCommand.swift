import ArgumentParser
import AuditPipeline
import ConversionService
import Foundation
import K8sAuditFields
import PSPConverter

/// `pspctl convert`: a PodSecurityPolicy, or a Pod Security Standards level, → a Falco rules file.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a PodSecurityPolicy or a Pod Security Standards level into a Falco rules file.",
        discussion: """
        PodSecurityPolicy mode (--psp-path) does what `falcoctl convert psp` v0.0.4 did: it writes a rules \
        file that flags, without blocking anything, every pod the policy would have rejected, so a candidate \
        PSP can be dry-run against a cluster's real activity with `pspctl watch` (or Falco). Rules are named \
        `PSP <name> Violation (<field>)`, where <name> is the PSP's name with every character a Falco macro \
        name cannot hold turned into `_`. K8s Audit rules judge pod creations; falcoctl's System Activity \
        rules (privileged, readOnlyRootFilesystem, runAsUser, runAsGroup) judge syscalls of running \
        containers. After falcoctl's rules come pspctl's extension rules for the fields falcoctl ignored: \
        seLinux, forbiddenSysctls, allowedUnsafeSysctls, the seccomp and AppArmor annotations, \
        runtimeClass, requiredDropCapabilities and allowedCSIDrivers.

        Images: the PSP annotation `falco-rules-psp-images` limits the rules to some images. Its value is a \
        string holding a YAML list of image repositories (no tags), for example
          falco-rules-psp-images: "[nginx, docker.io/library/redis]"
        K8s Audit rules then judge only pods whose every container image is listed, and System Activity \
        rules only containers of a listed image. Without the annotation every pod, and every container (not \
        host processes), is judged. A value that is not a list is an error.

        Pod Security Standards mode (--standard, or --admission-config alone) writes one rule per check of \
        the level at the given version, with Pod Security Admission's exemptions; the level and version \
        default to the admission configuration's `defaults.enforce` and `enforce-version` when a file is \
        given.

        The rules file is written atomically (no partial file on error). A summary of which field became \
        which rule goes to stderr unless --quiet. Exit status 0 on success, 2 on any error \
        (`pspctl convert: <message>` on stderr).

        Migration advice (--suggest-standard, with --psp-path): instead of rules, prints for each PSP of the \
        file (several documents, or a List from `kubectl get psp -o yaml`) the most restrictive Pod Security \
        Standards level that admits every pod the PSP admits, at --standard-version (default latest), judged \
        by Pod Security Admission's own checks (when that assumes pods use no SELinux or AppArmor options a \
        PSP with seLinux RunAsAny or without an AppArmor allow-list admits, it says so and names the strict \
        level too); each PSP field that allows more than a stricter level, with \
        the checks that would reject its pods; the PSP defaults the level needs; the pods the PSP admits \
        that the level still rejects; and what the PSP enforces that no level can (group ids, host path \
        prefixes, read-only root file systems …). --format text (default) or json. It is computed in this \
        process: --converter is refused.

        Examples:
          pspctl convert --psp-path examples/psp-no-privileged.yaml --rules-path psp_rules.yaml
          pspctl convert --psp-path psps.yaml --suggest-standard
          kubectl get psp -o yaml | pspctl convert --psp-path - --suggest-standard --standard-version v1.30 --format json
          pspctl convert --standard restricted --standard-version v1.30 --exempt-namespace kube-system --rules-path -
          pspctl convert --admission-config admission.yaml --rules-path pss_rules.yaml
          pspctl convert --psp-path psp.yaml --rules-path psp_rules.yaml --converter 127.0.0.1:50051

        With --converter HOST:PORT the policy file is read here, converted by a ConverterService, and the \
        rules file written here: output, messages and exit status are those of a conversion in this \
        process. A converter that cannot be reached is an error (exit 2). --tls-ca (TLS trusting that CA), \
        --tls-cert and --tls-key (mutual TLS) and --tls-server-name secure that connection, e.g.
          pspctl convert --psp-path psp.yaml --rules-path psp_rules.yaml --converter converter.example:50051 \\
            --tls-ca ca.pem --tls-cert client.pem --tls-key client.key
        """)

    @Option(name: [.customLong("psp-path"), .customShort("P")],
            help: ArgumentHelp("The PodSecurityPolicy to convert (YAML or JSON), or - for standard input.", valueName: "path"),
            completion: .file(extensions: ["yaml", "yml", "json"]))
    var pspPath: String?

    @Option(name: [.customLong("rules-path"), .customShort("R")],
            help: ArgumentHelp("Where to write the rules file, or - for standard output (default: \(defaultRulesPath)).", valueName: "path"),
            completion: .file(extensions: ["yaml", "yml"]))
    var rulesPath: String?
    static let defaultRulesPath = "./psp_falco_rules.yaml"

    @Flag(name: .shortAndLong, help: "Do not print the summary on stderr.")
    var quiet = false

    @Option(help: ArgumentHelp("Convert a Pod Security Standards level instead of a PSP: baseline or restricted.", valueName: "level"),
            completion: .list(["baseline", "restricted"]))
    var standard: String?

    @Option(name: .customLong("standard-version"),
            help: ArgumentHelp("The Pod Security Standards version: v1.N or latest (default: the admission configuration's enforce-version, else latest); with --suggest-standard, the version to advise for.", valueName: "version"))
    var standardVersion: String?

    @Option(name: .customLong("exempt-user"), help: ArgumentHelp("A user whose requests are exempt (repeatable).", valueName: "user"))
    var exemptUsers: [String] = []

    @Option(name: .customLong("exempt-namespace"), help: ArgumentHelp("A namespace whose pods are exempt (repeatable).", valueName: "namespace"))
    var exemptNamespaces: [String] = []

    @Option(name: .customLong("exempt-runtime-class"), help: ArgumentHelp("A runtime class whose pods are exempt (repeatable).", valueName: "class"))
    var exemptRuntimeClasses: [String] = []

    @Option(name: .customLong("admission-config"),
            help: ArgumentHelp("An AdmissionConfiguration or PodSecurityConfiguration file supplying defaults and exemptions.", valueName: "file"),
            completion: .file(extensions: ["yaml", "yml", "json"]))
    var admissionConfig: String?

    @Flag(name: .customLong("suggest-standard"),
          help: "With --psp-path: print the strictest Pod Security Standard that admits every pod of each PSP, and why, instead of rules.")
    var suggestStandard = false

    @Option(help: ArgumentHelp("With --suggest-standard: text (default) or json.", valueName: "format"),
            completion: .list(["text", "json"]))
    var format: SuggestionFormat?

    @Option(help: ArgumentHelp("Convert on a ConverterService at HOST:PORT instead of in this process (same output).",
                               valueName: "host:port"))
    var converter: String?

    @OptionGroup(title: "TLS (with --converter)")
    var tls: RemoteTLSOptions

    func validate() throws {
        try tls.requireRemote(converter != nil, remoteOption: "--converter")
    }

    func run() throws {
        if suggestStandard || format != nil { return try suggest() }
        let rulesPath = self.rulesPath ?? Self.defaultRulesPath
        let target = try converter.map { try RemoteTarget.make($0, tls: tls, command: "convert") }
        do {
            let request = try policyOptions.request(reading: RulesInput.read)
            let conversion = try target.map { try RemoteConverter(target: $0).convert(request) }
                ?? ConvertedPolicy(try ConversionService.convert(request))
            for warning in conversion.warnings {
                FileHandle.standardError.write(Data("pspctl convert: warning: \(TextEscaping.escaped(warning))\n".utf8))
            }
            try RulesOutput.write(conversion.rulesYAML, to: rulesPath)
            if !quiet {
                let destination = rulesPath == "-" ? "standard output" : rulesPath
                let lines = conversion.summary + ["rules written to \(destination)"]
                FileHandle.standardError.write(Data(lines.map { TextEscaping.escaped($0) + "\n" }.joined().utf8))
            }
        } catch let failure as ConvertFailure {
            throw fail("convert", failure.message, status: 2)
        } catch let error as ConversionError {
            throw fail("convert", error.message, status: 2)
        }
    }

    /// `--suggest-standard`: the advice for every PSP of the file, on stdout.
    private func suggest() throws {
        let misplaced: [(String, Bool)] = [
            ("--standard", standard != nil), ("--exempt-user", !exemptUsers.isEmpty), ("--exempt-namespace", !exemptNamespaces.isEmpty),
            ("--exempt-runtime-class", !exemptRuntimeClasses.isEmpty), ("--admission-config", admissionConfig != nil),
        ]
        guard suggestStandard else { throw fail("convert", "--format applies to --suggest-standard only", status: 2) }
        guard converter == nil else {
            throw fail("convert", "--suggest-standard is computed by pspctl itself, not by a ConverterService: drop --converter", status: 2)
        }
        guard rulesPath == nil else {
            throw fail("convert", "--suggest-standard prints advice instead of writing rules: drop --rules-path", status: 2)
        }
        if let option = misplaced.first(where: \.1)?.0 {
            throw fail("convert", "\(option) cannot be combined with --suggest-standard (which judges a PSP)", status: 2)
        }
        guard let pspPath else {
            throw fail("convert", "--suggest-standard needs --psp-path (the PodSecurityPolicies to advise on)", status: 2)
        }
        do {
            let text = try RulesInput.read(pspPath)
            let suggestions: StandardSuggestions
            do { suggestions = try PSPMigration.suggest(yaml: text, version: standardVersion ?? "latest", path: pspPath) } catch {
                throw ConvertFailure(error.field == nil ? "\(pspPath): \(error.description)" : error.description)
            }
            for warning in suggestions.warnings {
                FileHandle.standardError.write(Data("pspctl convert: warning: \(TextEscaping.escaped(warning))\n".utf8))
            }
            FileHandle.standardOutput.write(Data((format == .json ? suggestions.json : suggestions.text).utf8))
        } catch let failure as ConvertFailure {
            throw fail("convert", failure.message, status: 2)
        }
    }

    /// The policy options as ConversionService takes them (it decides the mode and its usage errors).
    private var policyOptions: ConvertOptions {
        ConvertOptions(pspPath: pspPath, standard: standard, standardVersion: standardVersion, exemptUsers: exemptUsers,
                       exemptNamespaces: exemptNamespaces, exemptRuntimeClasses: exemptRuntimeClasses,
                       admissionConfig: admissionConfig)
    }
}

/// `--format` of `--suggest-standard`.
enum SuggestionFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// What `pspctl convert` prints and writes, from either transport.
struct ConvertedPolicy {
    var rulesYAML: String
    var summary: [String]
    var warnings: [String]

    init(_ result: ConversionResult) {
        rulesYAML = result.rulesYAML
        summary = result.summary
        warnings = result.warnings
    }

    init(rulesYAML: String, summary: [String], warnings: [String]) {
        self.rulesYAML = rulesYAML
        self.summary = summary
        self.warnings = warnings
    }
}

/// A `pspctl convert` error: printed as `pspctl convert: <message>`, exit status 2.
struct ConvertFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Reading the policy or configuration file (`-` = standard input).
enum RulesInput {
    static func read(_ path: String) throws -> String {
        let data: Data
        if path == "-" {
            guard !AuditLogReader.standardInputWasClosed else { throw ConvertFailure("cannot read standard input: it is closed") }
            data = try readStandardInput()
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ConvertFailure("cannot read \(path): no such file")
            }
            guard !isDirectory.boolValue else { throw ConvertFailure("cannot read \(path): it is a directory") }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ConvertFailure("cannot read \(path): permission denied")
            }
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw ConvertFailure("cannot read \(path)")
            }
            data = contents
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConvertFailure("cannot read \(path == "-" ? "standard input" : path): not UTF-8 text")
        }
        return text
    }
}

extension RulesInput {
    /// All of standard input; a read error (a directory on stdin, an I/O error) names its cause.
    static func readStandardInput() throws -> Data {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(0, $0.baseAddress, $0.count) }
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw ConvertFailure("cannot read standard input: \(String(cString: strerror(errno)))")
            }
            data.append(contentsOf: chunk[..<count])
        }
    }
}

/// Writing the rules file: to standard output, or atomically (a temporary file in the same directory,
/// renamed over the destination) so an error never leaves a partial rules file.
enum RulesOutput {
    static func write(_ text: String, to path: String) throws {
        if path == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        // A destination that exists and is not a regular file (/dev/null, a FIFO, a terminal) is written
        // to, never renamed over: renaming would replace the device itself.
        var status = stat()
        if stat(path, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG, (status.st_mode & S_IFMT) != S_IFDIR {
            let descriptor = open(path, O_WRONLY)
            guard descriptor >= 0 else { throw ConvertFailure("cannot write \(path): \(String(cString: strerror(errno)))") }
            defer { close(descriptor) }
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw ConvertFailure("cannot write \(path): \(String(cString: strerror(errno)))")
                }
                written += count
            }
            return
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var template = Array("\(directory)/.\(url.lastPathComponent).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw ConvertFailure("cannot write \(path): \(String(cString: strerror(errno)))") }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: String?
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count, failure == nil {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { failure = String(cString: strerror(errno)) } else { written += count }
        }
        // Same mode as falcoctl's file (mkstemp creates 0600).
        if failure == nil, fchmod(descriptor, 0o644) != 0 || fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        if close(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw ConvertFailure("cannot write \(path): \(failure)")
        }
    }
}
