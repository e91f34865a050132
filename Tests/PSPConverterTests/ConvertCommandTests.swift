import Foundation
import XCTest
import PSPConverter
import TestSupport

/// `pspctl convert` as a user runs it.
final class ConvertCommandTests: XCTestCase {
    func testWritesRulesAndSummary() throws {
        let directory = try ScratchDirectory.make()
        let pspPath = directory.appendingPathComponent("psp.yaml").path
        try PSPFixtures.noPrivileged.write(toFile: pspPath, atomically: true, encoding: .utf8)
        let rulesPath = directory.appendingPathComponent("rules.yaml").path
        let result = try Pspctl.run(["convert", "--psp-path", pspPath, "--rules-path", rulesPath])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(try String(contentsOfFile: rulesPath, encoding: .utf8), try PSPConverter.convert(yaml: PSPFixtures.noPrivileged).rulesYAML)
        XCTAssertTrue(result.stderr.contains("privileged (false) -> PSP no_privileged Violation (privileged) K8s Audit, PSP no_privileged Violation (privileged) System Activity\n"), result.stderr)
        XCTAssertTrue(result.stderr.contains("hostPID (true) -> no rule: allowed\n"))
        XCTAssertTrue(result.stderr.hasSuffix("rules written to \(rulesPath)\n"))
        let attributes = try FileManager.default.attributesOfItem(atPath: rulesPath)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o644)
    }

    func testDefaultRulesPathAndQuiet() throws {
        let directory = try ScratchDirectory.make()
        let pspPath = try Pspctl.temporaryFile(PSPFixtures.noPrivileged)
        let result = try Pspctl.run(["convert", "--psp-path", pspPath, "--quiet"], currentDirectory: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("psp_falco_rules.yaml").path))
    }

    func testStandardInputAndOutput() throws {
        let result = try Pspctl.run(["convert", "--psp-path", "-", "--rules-path", "-", "-q"], stdin: PSPFixtures.myStrictPolicy)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, try PSPConverter.convert(yaml: PSPFixtures.myStrictPolicy).rulesYAML)
    }

    /// Bad input: `pspctl convert: <message naming the field>`, exit 2, no rules file (and an existing
    /// one untouched), no temporary file left behind.
    func testErrorsLeaveNoRulesFile() throws {
        let cases: [(String, String)] = [
            ("kind: PodSecurityPolicy\nspec: [oops\n", "pspctl convert: {psp}: not valid YAML: "),
            (PSPFixtures.psp(spec: "").replacingOccurrences(of: "kind: PodSecurityPolicy", with: "kind: Pod"),
             "pspctl convert: kind: \"Pod\" is not PodSecurityPolicy\n"),
            (PSPFixtures.psp(spec: "") + "---\n" + PSPFixtures.psp(spec: ""), "pspctl convert: {psp}: the input holds 2 YAML documents"),
            (PSPFixtures.psp(spec: "runAsUser: {rule: MustRunAs, ranges: [{min: 100, max: 10}]}"),
             "pspctl convert: spec.runAsUser.ranges[0]: min 100 is greater than max 10\n"),
            (PSPFixtures.psp(spec: "fsGroup: {rule: MustRunAsNonRoot}"),
             "pspctl convert: spec.fsGroup.rule: unknown strategy \"MustRunAsNonRoot\": expected MustRunAs, MayRunAs or RunAsAny\n"),
            (PSPFixtures.psp(images: "nginx", spec: ""), "pspctl convert: metadata.annotations[\"falco-rules-psp-images\"]: \"nginx\" is not a list"),
        ]
        for (psp, template) in cases {
            let directory = try ScratchDirectory.make()
            let pspPath = directory.appendingPathComponent("psp.yaml").path
            // An error of the input as a whole names the file; a field error names the field.
            let message = template.replacingOccurrences(of: "{psp}", with: pspPath)
            try psp.write(toFile: pspPath, atomically: true, encoding: .utf8)
            let fresh = directory.appendingPathComponent("new.yaml").path
            var result = try Pspctl.run(["convert", "--psp-path", pspPath, "--rules-path", fresh])
            XCTAssertEqual(result.status, 2, message)
            XCTAssertTrue(result.stderr.hasPrefix(message), "\(result.stderr) lacks \(message)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: fresh))
            let existing = directory.appendingPathComponent("existing.yaml").path
            try "previous rules\n".write(toFile: existing, atomically: true, encoding: .utf8)
            result = try Pspctl.run(["convert", "--psp-path", pspPath, "--rules-path", existing])
            XCTAssertEqual(result.status, 2)
            XCTAssertEqual(try String(contentsOfFile: existing, encoding: .utf8), "previous rules\n")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["existing.yaml", "psp.yaml"])
        }
    }

    func testReadAndWriteErrors() throws {
        let directory = try ScratchDirectory.make()
        var result = try Pspctl.run(["convert", "--psp-path", directory.appendingPathComponent("missing.yaml").path, "--rules-path", "-"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.hasPrefix("pspctl convert: cannot read "), result.stderr)
        result = try Pspctl.run(["convert", "--psp-path", directory.path, "--rules-path", "-"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("it is a directory"), result.stderr)
        let pspPath = try Pspctl.temporaryFile(PSPFixtures.noPrivileged)
        result = try Pspctl.run(["convert", "--psp-path", pspPath, "--rules-path", directory.appendingPathComponent("no/such/dir/rules.yaml").path])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.hasPrefix("pspctl convert: cannot write "), result.stderr)
        result = try Pspctl.run(["convert", "--psp-path", pspPath, "--rules-path", directory.path])
        XCTAssertEqual(result.status, 2, "a directory cannot be replaced by the rules file")
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    func testModeSelection() throws {
        let pspPath = try Pspctl.temporaryFile(PSPFixtures.noPrivileged)
        var result = try Pspctl.run(["convert", "--rules-path", "-"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "pspctl convert: give either --psp-path (a PodSecurityPolicy) or --standard (a Pod Security Standards level)\n")
        result = try Pspctl.run(["convert", "--psp-path", pspPath, "--standard", "baseline", "--rules-path", "-"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "pspctl convert: --standard belongs to Pod Security Standards mode and cannot be combined with --psp-path\n")
        result = try Pspctl.run(["convert", "--psp-path", pspPath, "--exempt-user", "admin", "--rules-path", "-"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.hasPrefix("pspctl convert: --exempt-user belongs to Pod Security Standards mode"))
        result = try Pspctl.run(["convert", "--exempt-namespace", "kube-system", "--rules-path", "-"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "pspctl convert: --exempt-namespace needs --standard (or --admission-config)\n")
    }

    /// `--standard` hands over to the Pod Security Standards converter.
    func testStandardMode() throws {
        let result = try Pspctl.run(["convert", "--standard", "baseline", "--rules-path", "-", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("- rule: "), result.stdout)
        let bad = try Pspctl.run(["convert", "--standard", "strict", "--rules-path", "-"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.hasPrefix("pspctl convert: "), bad.stderr)
    }

    func testHelpExplainsTheImagesAnnotation() throws {
        let result = try Pspctl.run(["convert", "--help"])
        XCTAssertEqual(result.status, 0)
        for text in ["falco-rules-psp-images", "--psp-path", "--rules-path", "--standard", "--exempt-runtime-class",
                     "--admission-config", "atomically", "extension"] {
            XCTAssertTrue(result.stdout.contains(text), "help lacks \(text)")
        }
    }
}
