import Foundation
import TestSupport
import XCTest

/// `pspctl convert … --converter HOST:PORT` against the real ConverterService gives byte-identical
/// stdout, stderr, exit status and rules file to the same `pspctl convert` without it.
final class RemoteConvertTests: XCTestCase {
    private var service: ConverterServiceProcess!
    private var directory: URL!

    override func setUpWithError() throws {
        service = try ConverterServiceProcess()
        directory = try ScratchDirectory.make()
    }

    override func tearDown() {
        service?.stop()
        service = nil
    }

    private func file(_ name: String, _ contents: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func example(_ name: String) -> String { Pspctl.packageRoot.appendingPathComponent("examples/\(name)").path }

    /// Runs `pspctl convert arguments` embedded then remote (the rules file, when one is written, read
    /// and removed after each run) and asserts every output is identical; returns the embedded run.
    @discardableResult
    private func assertSame(_ arguments: [String], stdin: String? = nil, file: StaticString = #filePath,
                            line: UInt = #line) throws -> (Pspctl.Result, String?) {
        let rulesPath = arguments.firstIndex(of: "--rules-path").map { arguments[$0 + 1] }
        func run(_ extra: [String]) throws -> (Pspctl.Result, String?) {
            let result = try Pspctl.run(["convert"] + arguments + extra, stdin: stdin)
            var written: String?
            if let rulesPath, rulesPath != "-", FileManager.default.fileExists(atPath: rulesPath) {
                written = try String(contentsOfFile: rulesPath, encoding: .utf8)
                try FileManager.default.removeItem(atPath: rulesPath)
            }
            return (result, written)
        }
        let (embedded, embeddedFile) = try run([])
        let (remote, remoteFile) = try run(["--converter", service.address])
        XCTAssertEqual(remote.status, embedded.status, "exit status of \(arguments)", file: file, line: line)
        XCTAssertEqual(remote.stdout, embedded.stdout, "stdout of \(arguments)", file: file, line: line)
        XCTAssertEqual(remote.stderr, embedded.stderr, "stderr of \(arguments)", file: file, line: line)
        XCTAssertEqual(remoteFile, embeddedFile, "rules file of \(arguments)", file: file, line: line)
        return (embedded, embeddedFile)
    }

    static let restrictivePSP = """
        apiVersion: policy/v1beta1
        kind: PodSecurityPolicy
        metadata:
          name: strict-policy.v2
        spec:
          privileged: false
          allowPrivilegeEscalation: false
          requiredDropCapabilities: [ALL]
          allowedCapabilities: [NET_BIND_SERVICE]
          volumes: [configMap, secret, emptyDir, persistentVolumeClaim]
          hostNetwork: false
          hostPorts:
          - min: 8000
            max: 8080
          allowedHostPaths:
          - pathPrefix: /var/log
            readOnly: true
          runAsUser:
            rule: MustRunAs
            ranges:
            - min: 1000
              max: 65535
          runAsGroup:
            rule: MustRunAs
            ranges:
            - min: 1000
              max: 2000
          supplementalGroups:
            rule: MustRunAs
            ranges:
            - min: 1
              max: 65535
          fsGroup:
            rule: MayRunAs
            ranges:
            - min: 1
              max: 65535
          seLinux:
            rule: RunAsAny
          readOnlyRootFilesystem: true
          forbiddenSysctls: ["*"]
        """

    func testPSPsConvertIdentically() throws {
        let rules = directory.appendingPathComponent("rules.yaml").path
        let (result, written) = try assertSame(["--psp-path", example("psp-no-privileged.yaml"), "--rules-path", rules])
        XCTAssertEqual(result.status, 0)
        XCTAssertNotNil(written)
        try assertSame(["--psp-path", example("psp-no-privileged.yaml"), "--rules-path", "-"])
        try assertSame(["--psp-path", try file("strict.yaml", Self.restrictivePSP), "--rules-path", rules])
        try assertSame(["--psp-path", try file("strict-quiet.yaml", Self.restrictivePSP), "--rules-path", "-", "--quiet"])
        let images = Self.restrictivePSP.replacingOccurrences(
            of: "  name: strict-policy.v2", with: "  name: images\n  annotations:\n    falco-rules-psp-images: \"[nginx, docker.io/library/redis]\"")
        try assertSame(["--psp-path", try file("images.yaml", images), "--rules-path", "-"])
        try assertSame(["-P", "-", "-R", "-"], stdin: Self.restrictivePSP)
    }

    func testPodSecurityStandardsConvertIdentically() throws {
        let rules = directory.appendingPathComponent("pss.yaml").path
        try assertSame(["--standard", "baseline", "--standard-version", "v1.25", "--exempt-namespace", "kube-system",
                        "--exempt-user", "admin", "--exempt-user", "system:serviceaccount:ci:deployer",
                        "--exempt-runtime-class", "gvisor", "--rules-path", rules])
        try assertSame(["--standard", "restricted", "--rules-path", "-"])
        // Newer than pspctl knows: a warning, the same one.
        let (future, _) = try assertSame(["--standard", "restricted", "--standard-version", "v1.99", "--rules-path", "-"])
        XCTAssertTrue(future.stderr.contains("pspctl convert: warning: "), future.stderr)
        let admission = try file("admission.yaml", """
            apiVersion: apiserver.config.k8s.io/v1
            kind: AdmissionConfiguration
            plugins:
            - name: PodSecurity
              configuration:
                apiVersion: pod-security.admission.config.k8s.io/v1
                kind: PodSecurityConfiguration
                defaults:
                  enforce: restricted
                  enforce-version: v1.30
                exemptions:
                  usernames: [admin]
                  namespaces: [kube-system, monitoring]
                  runtimeClasses: [kata]
            """)
        try assertSame(["--admission-config", admission, "--rules-path", rules])
        try assertSame(["--admission-config", admission, "--standard", "baseline", "--exempt-namespace", "ci", "--rules-path", "-"])
        // A PodSecurity plugin configured by path: the client reads that file and sends it along.
        let referenced = try file("podsecurity.yaml", """
            apiVersion: pod-security.admission.config.k8s.io/v1
            kind: PodSecurityConfiguration
            defaults:
              enforce: baseline
            exemptions:
              namespaces: [kube-system]

            """)
        let byPath = try file("admission-by-path.yaml", """
            apiVersion: apiserver.config.k8s.io/v1
            kind: AdmissionConfiguration
            plugins:
            - name: PodSecurity
              path: \(referenced)

            """)
        let (converted, _) = try assertSame(["--admission-config", byPath, "--rules-path", "-"])
        XCTAssertEqual(converted.status, 0, converted.stderr)
        XCTAssertTrue(converted.stdout.contains("kube-system"), converted.stdout)
        let (missing, _) = try assertSame(["--admission-config", try file("admission-missing.yaml", """
            apiVersion: apiserver.config.k8s.io/v1
            kind: AdmissionConfiguration
            plugins:
            - name: PodSecurity
              path: \(directory.appendingPathComponent("missing.yaml").path)

            """), "--rules-path", "-"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("plugins[0].path: cannot read "), missing.stderr)
    }

    func testErrorsAreIdentical() throws {
        let cases: [[String]] = [
            ["--rules-path", "-"],
            ["--standard-version", "v1.30", "--rules-path", "-"],
            ["--psp-path", example("psp-no-privileged.yaml"), "--standard", "baseline"],
            ["--psp-path", directory.appendingPathComponent("missing.yaml").path],
            ["--psp-path", directory.path],
            ["--psp-path", example("audit.jsonl"), "--rules-path", "-"],
            ["--psp-path", try file("kind.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n"), "--rules-path", "-"],
            ["--psp-path", try file("badimages.yaml", Self.restrictivePSP.replacingOccurrences(
                of: "  name: strict-policy.v2", with: "  name: x\n  annotations:\n    falco-rules-psp-images: \"nginx: 1\"")),
             "--rules-path", "-"],
            ["--psp-path", try file("range.yaml", Self.restrictivePSP.replacingOccurrences(of: "min: 1000\n      max: 65535",
                                                                                        with: "min: 65535\n      max: 1000")),
             "--rules-path", "-"],
            ["--standard", "strictest", "--rules-path", "-"],
            ["--standard", "baseline", "--standard-version", "1.30", "--rules-path", "-"],
            ["--admission-config", try file("empty.yaml", ""), "--rules-path", "-"],
            ["--admission-config", try file("bad-admission.yaml", "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemption: {}\n"),
             "--rules-path", "-"],
            ["--standard", "baseline", "--rules-path", directory.appendingPathComponent("no/such/dir/rules.yaml").path],
        ]
        for arguments in cases {
            let (result, _) = try assertSame(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("pspctl convert: ") || result.stderr.contains("Usage") || result.stderr.contains("Error:"),
                          result.stderr)
        }
    }

    func testUnreachableConverterIsExit2Quickly() throws {
        service.stop()
        let start = Date()
        let result = try Pspctl.run(["convert", "--standard", "baseline", "--rules-path", "-", "--converter", service.address])
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.hasPrefix("pspctl convert: cannot reach the converter at \(service.address): "), result.stderr)
    }
}
