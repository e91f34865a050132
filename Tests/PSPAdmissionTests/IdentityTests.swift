import PSPAdmission
import XCTest

/// runAsUser, runAsGroup, supplementalGroups, fsGroup: mutation first, then validation.
final class IdentityTests: XCTestCase {
    /// falcoctl's rule fires on a pod that sets no user; PSP admission sets the first range's min instead.
    func testRunAsUserMustRunAsDefaultsAnUnsetUser() throws {
        let psp = try Admission.psp(["runAsUser": "{rule: MustRunAs, ranges: [{min: 1000, max: 2000}, {min: 5000, max: 5000}]}"])
        let unset = "spec: {containers: [{name: app}]}"
        XCTAssertEqual(try Admission.errors(psp, unset), [])
        let admitted = psp.admitted(try Admission.pod(unset))
        XCTAssertEqual(admitted.spec.containers[0].securityContext?.shared.runAsUser, 1000)
        XCTAssertEqual(try Admission.errors(psp, "spec: {securityContext: {runAsUser: 5000}, containers: [{name: a}, {name: b, securityContext: {runAsUser: 0}}]}"), [
            "spec.containers[1].securityContext.runAsUser: Invalid value: 0: must be in the ranges: [{1000 2000} {5000 5000}]",
        ])
    }

    func testMustRunAsNonRoot() throws {
        let psp = try Admission.psp(["runAsUser": "{rule: MustRunAsNonRoot}"])
        // Neither set: mutated to runAsNonRoot: true (the kubelet checks the image's user).
        XCTAssertEqual(try Admission.errors(psp, "spec: {containers: [{name: app}]}"), [])
        XCTAssertEqual(psp.admitted(try Admission.pod("spec: {containers: [{name: app}]}")).spec.containers[0].securityContext?.shared.runAsNonRoot, true)
        XCTAssertEqual(try Admission.errors(psp, """
            spec:
              containers:
              - {name: a, securityContext: {runAsNonRoot: false}}
              - {name: b, securityContext: {runAsUser: 0}}
              - {name: c, securityContext: {runAsUser: 1000}}
            """), [
            "spec.containers[0].securityContext.runAsNonRoot: Invalid value: false: must be true",
            "spec.containers[1].securityContext.runAsUser: Invalid value: 0: running with the root UID is forbidden",
        ])
        XCTAssertEqual(try Admission.checks(psp, "spec: {securityContext: {runAsUser: 0}, containers: [{name: a}]}"), ["runAsUser"])
    }

    func testRunAsGroupStrategies() throws {
        let mustRunAs = try Admission.psp(["runAsGroup": "{rule: MustRunAs, ranges: [{min: 100, max: 200}]}"])
        XCTAssertEqual(try Admission.errors(mustRunAs, "spec: {containers: [{name: a}]}"), [])
        XCTAssertEqual(try Admission.errors(mustRunAs, "spec: {containers: [{name: a, securityContext: {runAsGroup: 0}}]}"), [
            "spec.containers[0].securityContext: Invalid value: []int64{0}: group 0 must be in the ranges: [{100 200}]",
        ])
        let mayRunAs = try Admission.psp(["runAsGroup": "{rule: MayRunAs, ranges: [{min: 100, max: 200}]}"])
        XCTAssertEqual(try Admission.errors(mayRunAs, "spec: {containers: [{name: a}]}"), [])
        XCTAssertEqual(try Admission.checks(mayRunAs, "spec: {securityContext: {runAsGroup: 300}, containers: [{name: a}]}"), ["runAsGroup"])
        XCTAssertEqual(try Admission.errors(try Admission.psp(), "spec: {securityContext: {runAsGroup: 0}, containers: [{name: a}]}"), [])
    }

    func testSupplementalGroupsAndFSGroup() throws {
        let psp = try Admission.psp(["supplementalGroups": "{rule: MustRunAs, ranges: [{min: 1, max: 65535}]}",
                                     "fsGroup": "{rule: MayRunAs, ranges: [{min: 1, max: 65535}]}"])
        // Unset supplementalGroups are defaulted to [1]; an unset fsGroup is fine under MayRunAs.
        XCTAssertEqual(try Admission.errors(psp, "spec: {containers: [{name: a}]}"), [])
        XCTAssertEqual(try Admission.errors(psp, "spec: {securityContext: {fsGroup: 0, supplementalGroups: [5, 0]}, containers: [{name: a}]}"), [
            "spec.securityContext.fsGroup: Invalid value: []int64{0}: group 0 must be in the ranges: [{1 65535}]",
            "spec.securityContext.supplementalGroups: Invalid value: []int64{5, 0}: group 0 must be in the ranges: [{1 65535}]",
        ])
        // An explicit empty list is not unset: MustRunAs rejects it.
        XCTAssertEqual(try Admission.errors(psp, "spec: {securityContext: {supplementalGroups: []}, containers: [{name: a}]}"), [
            "spec.securityContext.supplementalGroups: Invalid value: []int64{}: unable to validate empty groups against required ranges",
        ])
        let fsGroup = try Admission.psp(["fsGroup": "{rule: MustRunAs, ranges: [{min: 2000, max: 3000}]}"])
        XCTAssertEqual(psp.admitted(try Admission.pod("spec: {containers: [{name: a}]}")).spec.securityContext?.supplementalGroups, [1])
        XCTAssertEqual(fsGroup.admitted(try Admission.pod("spec: {containers: [{name: a}]}")).spec.securityContext?.fsGroup, 2000)
        XCTAssertEqual(try Admission.checks(fsGroup, "spec: {securityContext: {fsGroup: 1}, containers: [{name: a}]}"), ["fsGroup"])
    }
}
