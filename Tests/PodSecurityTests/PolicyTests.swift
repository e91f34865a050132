import PodSecurity
import XCTest

/// Levels, versions and the registry's active check lists (spec §1).
final class PolicyTests: XCTestCase {
    func testLevelsParseExactly() throws {
        XCTAssertEqual(try PolicyLevel(parsing: "baseline"), .baseline)
        XCTAssertEqual(try PolicyLevel(parsing: "restricted"), .restricted)
        XCTAssertEqual(try PolicyLevel(parsing: "privileged"), .privileged)
        for bad in ["", "Baseline", " baseline", "baseline ", "strict"] {
            XCTAssertThrowsError(try PolicyLevel(parsing: bad), bad) { error in
                XCTAssertEqual("\(error)", "must be one of privileged, baseline, restricted")
            }
        }
    }

    func testVersionsParseExactlyAndPrintAsGiven() throws {
        XCTAssertEqual(try PolicyVersion(parsing: "latest"), .latest)
        XCTAssertEqual(try PolicyVersion(parsing: "v1.0"), .v(1, 0))
        XCTAssertEqual(try PolicyVersion(parsing: "v1.25").description, "v1.25")
        XCTAssertEqual(try PolicyVersion(parsing: "v1.999"), .v(1, 999))
        for bad in ["", "Latest", "v1", "1.25", "V1.25", "v1.25.0", "v2.0", "v1.05", "v1.", "v1.-1", "v1.x",
                    "v1.99999999999999999999"] {
            XCTAssertThrowsError(try PolicyVersion(parsing: bad), bad) { error in
                XCTAssertEqual("\(error)", #"must be "latest" or "v1.x""#)
            }
        }
    }

    func testVersionOrderPutsLatestAfterEveryNumberedVersion() {
        XCTAssertLessThan(PolicyVersion.v(1, 9), .v(1, 10))
        XCTAssertLessThan(PolicyVersion.v(1, 999), .latest)
        XCTAssertFalse(PolicyVersion.latest < .latest)
        XCTAssertEqual(PolicyLevelVersion(level: .baseline, version: .latest).description, "baseline:latest")
    }

    func testLatestAndNewerVersionsEvaluateAsTheNewestPolicyVersion() {
        let registry = CheckRegistry.standard
        XCTAssertEqual(registry.maxVersion, .v(1, 37))
        XCTAssertEqual(registry.effectiveVersion(.latest), .v(1, 37))
        XCTAssertEqual(registry.effectiveVersion(.v(1, 40)), .v(1, 37))
        XCTAssertEqual(registry.effectiveVersion(.v(1, 30)), .v(1, 30))
    }

    /// §1.6 verbatim: the active checks, in evaluation order, for every level and version.
    func testActiveChecksForEveryLevelAndVersionMatchTheSpecTable() throws {
        let baseline0 = ["appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPathVolumes", "hostPorts",
                         "privileged", "procMount", "seLinuxOptions", "seccompProfile_baseline", "sysctls", "windowsHostProcess"]
        let baseline34 = ["appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPathVolumes", "hostPorts",
                          "hostProbesAndHostLifecycle", "privileged", "procMount", "seLinuxOptions", "seccompProfile_baseline",
                          "sysctls", "windowsHostProcess"]
        let restricted: [(ClosedRange<Int>, [String])] = [
            (0...7, ["appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPorts", "privileged", "procMount",
                     "seLinuxOptions", "seccompProfile_baseline", "sysctls", "windowsHostProcess", "restrictedVolumes", "runAsNonRoot"]),
            (8...18, ["appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPorts", "privileged", "procMount",
                      "seLinuxOptions", "seccompProfile_baseline", "sysctls", "windowsHostProcess", "allowPrivilegeEscalation",
                      "restrictedVolumes", "runAsNonRoot"]),
            (19...21, ["appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPorts", "privileged", "procMount",
                       "seLinuxOptions", "sysctls", "windowsHostProcess", "allowPrivilegeEscalation", "restrictedVolumes",
                       "runAsNonRoot", "seccompProfile_restricted"]),
            (22...22, ["appArmorProfile", "hostNamespaces", "hostPorts", "privileged", "procMount", "seLinuxOptions", "sysctls",
                       "windowsHostProcess", "allowPrivilegeEscalation", "capabilities_restricted", "restrictedVolumes",
                       "runAsNonRoot", "seccompProfile_restricted"]),
            (23...33, ["appArmorProfile", "hostNamespaces", "hostPorts", "privileged", "procMount", "seLinuxOptions", "sysctls",
                       "windowsHostProcess", "allowPrivilegeEscalation", "capabilities_restricted", "restrictedVolumes",
                       "runAsNonRoot", "runAsUser", "seccompProfile_restricted"]),
            (34...34, ["appArmorProfile", "hostNamespaces", "hostPorts", "hostProbesAndHostLifecycle", "privileged", "procMount",
                       "seLinuxOptions", "sysctls", "windowsHostProcess", "allowPrivilegeEscalation", "capabilities_restricted",
                       "restrictedVolumes", "runAsNonRoot", "runAsUser", "seccompProfile_restricted"]),
            (35...40, ["appArmorProfile", "hostNamespaces", "hostPorts", "hostProbesAndHostLifecycle", "privileged",
                       "seLinuxOptions", "sysctls", "windowsHostProcess", "allowPrivilegeEscalation", "capabilities_restricted",
                       "procMount_restricted", "restrictedVolumes", "runAsNonRoot", "runAsUser", "seccompProfile_restricted"]),
        ]
        let registry = CheckRegistry.standard
        let versions = (0...40).map { "v1.\($0)" } + ["latest"]
        for text in versions {
            let version = try PolicyVersion(parsing: text)
            let minor = version.isLatest ? 37 : version.minor
            XCTAssertEqual(registry.activeChecks(level: .baseline, version: version).map(\.check.id),
                           minor < 34 ? baseline0 : baseline34, "baseline:\(text)")
            let expected = try XCTUnwrap(restricted.first { $0.0.contains(minor) }?.1)
            XCTAssertEqual(registry.activeChecks(level: .restricted, version: version).map(\.check.id), expected,
                           "restricted:\(text)")
            XCTAssertTrue(registry.activeChecks(level: .privileged, version: version).isEmpty)
        }
    }

    func testEachActiveCheckUsesTheEntryInForceAtTheVersion() throws {
        let registry = CheckRegistry.standard
        func entry(_ id: String, _ version: PolicyVersion, _ level: PolicyLevel = .restricted) -> PolicyVersion? {
            registry.activeChecks(level: level, version: version).first { $0.check.id == id }?.entry.minimumVersion
        }
        XCTAssertEqual(entry("sysctls", .v(1, 28)), .v(1, 27))
        XCTAssertEqual(entry("sysctls", .latest), .v(1, 37))
        XCTAssertEqual(entry("seLinuxOptions", .v(1, 30)), .v(1, 0))
        XCTAssertEqual(entry("seLinuxOptions", .v(1, 31)), .v(1, 31))
        XCTAssertEqual(entry("allowPrivilegeEscalation", .v(1, 24)), .v(1, 8))
        XCTAssertEqual(entry("allowPrivilegeEscalation", .v(1, 25)), .v(1, 25))
        XCTAssertEqual(entry("runAsUser", .v(1, 40)), .v(1, 35))
        XCTAssertEqual(entry("seccompProfile_baseline", .v(1, 20), .baseline), .v(1, 19))
    }

    func testAnEmulationVersionCapsLatest() {
        let emulated = CheckRegistry(checks: CheckRegistry.standard.checks, emulationVersion: .v(1, 33))
        XCTAssertEqual(emulated.maxVersion, .v(1, 33))
        XCTAssertFalse(emulated.activeChecks(level: .baseline, version: .latest).contains { $0.check.id == "hostProbesAndHostLifecycle" })
        let newer = CheckRegistry(checks: CheckRegistry.standard.checks, emulationVersion: .v(1, 50))
        XCTAssertEqual(newer.maxVersion, .v(1, 37))
    }

    func testRestrictedChecksOverrideOnlyBaselineChecks() {
        let checks = CheckRegistry.standard.checks
        let baselineIDs = Set(checks.filter { $0.level == .baseline }.map(\.id))
        for check in checks {
            for entry in check.versions where !entry.overriddenCheckIDs.isEmpty {
                XCTAssertEqual(check.level, .restricted, check.id)
                XCTAssertTrue(Set(entry.overriddenCheckIDs).isSubset(of: baselineIDs), check.id)
            }
            XCTAssertEqual(check.versions.map(\.minimumVersion), check.versions.map(\.minimumVersion).sorted(), check.id)
        }
        XCTAssertEqual(checks.count, 19)
        XCTAssertEqual(Set(checks.map(\.id)).count, 19)
    }
}
