import XCTest
import RulesEngine
@testable import PSPConverter

/// Every generated file loads in pspctl's engine (Falco 0.31.1's loader), whatever the PSP's name,
/// images or settings; the only warnings are the ones falcoctl's own files give.
final class EngineLoadingTests: XCTestCase {
    private func assertLoads(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let conversion = try PSPFixtures.convert(yaml, file: file, line: line)
        let engine = RulesEngine()
        do {
            let warnings = try engine.load(text: conversion.rulesYAML, name: "psp_rules.yaml")
            for warning in warnings {
                // falcoctl's never-referenced helper macros, and the AppArmor rule skipped without its field.
                let expected = warning.message.hasSuffix("not refered to by any rule/macro")
                    || (warning.message.hasPrefix("Rule PSP ") && warning.message.hasSuffix(" Violation (apparmor): warning (unknown-field):"))
                XCTAssertTrue(expected, "unexpected warning: \(warning.message)", file: file, line: line)
            }
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    func testSeedAndMaximalPolicy() throws {
        try assertLoads(PSPFixtures.noPrivileged)
        try assertLoads(PSPFixtures.myStrictPolicy)
        try assertLoads(GeneratedFileTests.everything)
    }

    func testAwkwardNamesAndImages() throws {
        for name in ["my-psp", "restricted pods", "1.example.com", "a: #b", "", "UPPER_case-9"] {
            try assertLoads(PSPFixtures.psp(name: name, images: "[nginx, myreg:5000/app, 10.0.0.1:5000/x, docker.io/library/redis]",
                                            spec: "privileged: false\nrunAsUser: {rule: MustRunAsNonRoot}"))
        }
    }

    func testAwkwardValues() throws {
        try assertLoads(PSPFixtures.psp(name: "v", annotations: [
            "seccomp.security.alpha.kubernetes.io/allowedProfileNames": "localhost/my profile.json,runtime/default",
            "apparmor.security.beta.kubernetes.io/allowedProfileNames": "localhost/a'b",
        ], spec: """
            volumes: [configMap, hostPath]
            allowedHostPaths: [{pathPrefix: "/mnt/with space"}, {pathPrefix: "/x,y"}, {pathPrefix: "/9"}]
            allowedFlexVolumes: [{driver: "1vendor/drv"}]
            allowedCapabilities: [NET_ADMIN, ALL]
            seLinux: {rule: MustRunAs, seLinuxOptions: {user: "u'x", level: "s0:c0,c1,c2,c3,c4"}}
            runtimeClass: {allowedRuntimeClassNames: ["my class"]}
            allowedUnsafeSysctls: [kernel.msg*, net.core.somaxconn]
            """))
    }
}
