import XCTest
import YAMLKit
@testable import PSPConverter

/// The full generated file for two representative PSPs, and falcoctl v0.0.4's exact output for the seed.
final class GoldenFileTests: XCTestCase {
    /// The seed PSP's falcoctl rules are byte for byte falcoctl v0.0.4's file (psp-conversion.md §3.2);
    /// pspctl's extension sections follow it.
    func testSeedKeepsFalcoctlFileAsPrefix() throws {
        let falcoctl = try PSPFixtures.fixture("no_privileged.falcoctl-v0.0.4.yaml")
        let rules = try PSPFixtures.convert(PSPFixtures.noPrivileged).rulesYAML
        // falcoctl's file ends with its final newline; pspctl's extensions come before pspctl's.
        let falcoctlBody = String(falcoctl.dropLast())
        XCTAssertTrue(rules.hasPrefix(falcoctlBody), "the generated file does not start with falcoctl's file")
        let extensions = rules.dropFirst(falcoctlBody.count)
        XCTAssertTrue(extensions.hasPrefix("\n\(Banner.rule)\n# Rule(s) for PSP "))
        XCTAssertEqual(extensions.components(separatedBy: "(pspctl extension)\n").count - 1,
                       extensions.components(separatedBy: "# Rule(s) for PSP ").count - 1,
                       "every section after falcoctl's must be an extension")
    }

    func testSeedGoldenFile() throws {
        try PSPFixtures.assertGolden(PSPFixtures.convert(PSPFixtures.noPrivileged).rulesYAML, "no_privileged.rules.yaml")
    }

    func testMaximalPolicyGoldenFile() throws {
        try PSPFixtures.assertGolden(PSPFixtures.convert(PSPFixtures.myStrictPolicy).rulesYAML, "my-strict-policy.rules.yaml")
    }

    /// The seed yields exactly falcoctl's four rules, then the two extensions every PSP gets.
    func testSeedRuleNames() throws {
        XCTAssertEqual(try PSPFixtures.convert(PSPFixtures.noPrivileged).ruleNames, [
            "PSP no_privileged Violation (privileged) K8s Audit",
            "PSP no_privileged Violation (privileged) System Activity",
            "PSP no_privileged Violation (readOnlyRootFilesystem) K8s Audit",
            "PSP no_privileged Violation (readOnlyRootFilesystem) System Activity",
            "PSP no_privileged Violation (allowedUnsafeSysctls)",
            "PSP no_privileged Violation (seccomp)",
        ])
    }

    /// psp-conversion.md §2.5: the maximal example's rules, in order.
    func testMaximalPolicyRuleNames() throws {
        let falcoctlSuffixes = [
            "(privileged) K8s Audit", "(privileged) System Activity", "(hostPID)", "(hostIPC)", "(hostNetwork)",
            "(hostPorts)", "(volumes)", "(allowedHostPaths)", "(allowedFlexVolumes)", "(fsGroup)",
            "(readOnlyRootFilesystem) K8s Audit", "(readOnlyRootFilesystem) System Activity",
            "(runAsUser=MustRunAs) K8s Audit", "(runAsUser=MustRunAs) System Activity",
            "(runAsGroup=MustRunAs) K8s Audit", "(runAsGroup=MustRunAs) System Activity",
            "(supplementalGroups=MayRunAs)", "(allowPrivilegeEscalation)", "(allowedCapabilities)",
            "(allowedProcMountTypes)",
        ]
        let names = try PSPFixtures.convert(PSPFixtures.myStrictPolicy).ruleNames
        XCTAssertEqual(Array(names.prefix(falcoctlSuffixes.count)), falcoctlSuffixes.map { "PSP my_strict_policy Violation \($0)" })
        XCTAssertEqual(Array(names.dropFirst(falcoctlSuffixes.count)),
                       ["PSP my_strict_policy Violation (allowedUnsafeSysctls)", "PSP my_strict_policy Violation (seccomp)"])
    }
}
