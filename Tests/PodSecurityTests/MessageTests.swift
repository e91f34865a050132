import PodSecurity
import XCTest

/// PSA's aggregated messages and the wording details no single case shows (spec §1.7, §3, §7.1).
final class MessageTests: XCTestCase {
    private func evaluate(_ yaml: String, _ level: PolicyLevel, _ version: PolicyVersion = .latest) throws -> AggregateCheckResult {
        CheckRegistry.standard.evaluate(PodSpecView(podOrTemplate: try yamlDocument(yaml)), level: level, version: version)
    }

    func testSpecExampleBaselineDetailString() throws {
        let result = try evaluate("""
            {metadata: {name: web}, spec: {hostNetwork: true,
              initContainers: [{name: setup, securityContext: {capabilities: {add: [NET_ADMIN, SYS_TIME]}}}],
              containers: [{name: app, securityContext: {privileged: true}, ports: [{containerPort: 8080, hostPort: 8080}]},
                           {name: metrics, ports: [{containerPort: 443, hostPort: 443}]}],
              volumes: [{name: data, hostPath: {path: /data}}]}}
            """, .baseline)
        XCTAssertEqual(result.forbiddenDetail, #"non-default capabilities (container "setup" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add), host namespaces (hostNetwork=true), hostPath volumes (volume "data"), hostPort (containers "app", "metrics" use hostPorts 443, 8080), privileged (container "app" must not set securityContext.privileged=true)"#)
        XCTAssertEqual(result.forbiddenReason, "non-default capabilities, host namespaces, hostPath volumes, hostPort, privileged")
    }

    func testSpecExampleRestrictedPodWithoutSecuritySettingsAtThreeVersions() throws {
        let api = "{metadata: {name: api}, spec: {containers: [{name: app}]}}"
        XCTAssertEqual(try evaluate(api, .restricted).forbiddenDetail, #"allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#)
        XCTAssertEqual(try evaluate(api, .restricted, .v(1, 18)).violations.map(\.checkID), ["allowPrivilegeEscalation", "runAsNonRoot"])
        XCTAssertEqual(try evaluate(api, .restricted, .v(1, 7)).violations.map(\.checkID), ["runAsNonRoot"])
        XCTAssertTrue(try evaluate(api, .privileged).allowed)
        XCTAssertTrue(try evaluate(api, .baseline).allowed)
    }

    func testRestrictedReportsHostPathOnlyAsARestrictedVolumeType() throws {
        let result = try evaluate("{spec: {containers: [{name: app}], volumes: [{name: h, hostPath: {path: /}}]}}", .restricted)
        XCTAssertFalse(result.violations.contains { $0.checkID == "hostPathVolumes" })
        XCTAssertTrue(result.violations.contains { $0.checkID == "restrictedVolumes" })
    }

    func testAnnotationValuesAreGoQuotedAndThenQuotedAgainUnescaped() throws {
        let result = try evaluate(#"""
            {metadata: {annotations: {"container.apparmor.security.beta.kubernetes.io/": "a\"b\\c\nd\u00e9\u200b\U0001F600\u0007"}}, spec: {containers: [{name: app}]}}
            """#, .baseline)
        XCTAssertEqual(result.forbiddenDetail, #"forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/="a\"b\\c\ndé\u200b😀\a"")"#)
    }

    func testContainerNamesAreNotEscapedAndKeepTheirDuplicates() throws {
        let result = try evaluate(#"{spec: {containers: [{name: "a\"b", securityContext: {privileged: true}}, {name: "a\"b", securityContext: {privileged: true}}]}}"#, .baseline)
        XCTAssertEqual(result.forbiddenDetail, #"privileged (containers "a"b", "a"b" must not set securityContext.privileged=true)"#)
    }

    func testAnEmptyReasonReadsUnknownForbiddenReason() {
        let result = AggregateCheckResult([("x", CheckResult(allowed: false, forbiddenReason: "", forbiddenDetail: "")),
                                           ("y", .forbidden("r", "d")), ("z", .allowed)])
        XCTAssertEqual(result.forbiddenReason, "unknown forbidden reason, r")
        XCTAssertEqual(result.forbiddenDetail, "unknown forbidden reason, r (d)")
    }

    func testControllerTemplatesAreJudgedLikePods() throws {
        let cronJob = try yamlDocument("""
            {kind: CronJob, metadata: {name: nightly, annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}},
             spec: {schedule: "0 0 * * *", jobTemplate: {metadata: {annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}},
               spec: {template: {metadata: {annotations: {container.apparmor.security.beta.kubernetes.io/job: unconfined}},
                                 spec: {containers: [{name: job, securityContext: {privileged: true}}]}}}}}}
            """)
        let view = try XCTUnwrap(PodSpecView(object: cronJob, kind: .cronJob))
        // PSA reads the pod template's metadata, not the CronJob's nor the job template's.
        XCTAssertEqual(CheckRegistry.standard.evaluate(view, level: .baseline, version: .latest).forbiddenDetail,
                       #"forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/job="unconfined""), privileged (container "job" must not set securityContext.privileged=true)"#)
        XCTAssertNil(PodSpecView(object: try yamlDocument("{kind: ReplicationController, spec: {replicas: 1}}"), kind: .replicationController))
        let template = try yamlDocument("{kind: PodTemplate, template: {spec: {hostPID: true, containers: [{name: a}]}}}")
        XCTAssertEqual(PodSpecView(object: template, kind: .podTemplate)?.spec.hostPID, true)
    }
}
