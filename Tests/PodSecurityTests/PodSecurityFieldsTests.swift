import AuditJSON
import Foundation
import K8sAuditFields
import PodSecurity
import XCTest

/// The engine fields on audit events: which object a request writes, and PSA's verdict on its pod spec.
final class PodSecurityFieldsTests: XCTestCase {
    private func extract(_ field: String, _ index: String? = nil, _ event: AuditEventBuilder) throws -> K8sExtraction {
        let definition = try XCTUnwrap(PodSecurityFields.definitions.first { $0.name == field })
        let document = try JSONDocument(parsing: event.line)
        return definition.extract(K8sAuditEvent(object: document.root, timeNs: 0, kindWasRewritten: false), index)
    }

    private func event(_ object: String?, verb: String = "create", resource: String = "pods", apiGroup: String = "") throws -> AuditEventBuilder {
        var event = AuditEventBuilder(auditID: "1", requestObject: try object.map(manifest))
        event.verb = verb; event.resource = resource; event.apiGroup = apiGroup
        return event
    }

    private let privilegedPod = "{kind: Pod, metadata: {name: web}, spec: {runtimeClassName: kata, containers: [{name: app, securityContext: {privileged: true}}]}}"

    func testFieldNamesFollowFalcosRules() {
        let names = PodSecurityFields.definitions.map(\.name)
        XCTAssertEqual(names, ["ka.req.podspec.kind", "ka.req.podspec.name", "ka.req.podspec.runtime_class",
                               "ka.pss.forbidden", "ka.pss.reason", "ka.pss.detail", "ka.pss.failing", "ka.pss.violations",
                               "ka.req.pod.containers.apparmor_profile"])
        for name in names {
            XCTAssertTrue(name.hasPrefix("ka."))
            XCTAssertTrue(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }, name)
        }
        XCTAssertEqual(PodSecurityFields.definitions.filter { $0.indexMode == .requiredKey }.map(\.name),
                       ["ka.pss.forbidden", "ka.pss.reason", "ka.pss.detail", "ka.pss.failing", "ka.pss.violations"])
    }

    func testKindComesFromTheResourceAndItsGroup() throws {
        let expectations: [(String, String, String?)] = [
            ("", "pods", "Pod"), ("", "replicationcontrollers", "ReplicationController"), ("", "podtemplates", "PodTemplate"),
            ("apps", "deployments", "Deployment"), ("apps", "replicasets", "ReplicaSet"), ("apps", "statefulsets", "StatefulSet"),
            ("apps", "daemonsets", "DaemonSet"), ("batch", "jobs", "Job"), ("batch", "cronjobs", "CronJob"),
            ("extensions", "deployments", nil), ("", "configmaps", nil), ("apps", "pods", nil),
        ]
        for (group, resource, kind) in expectations {
            let result = try extract("ka.req.podspec.kind", nil, try event(nil, resource: resource, apiGroup: group))
            XCTAssertEqual(result, kind.map { .values([.string($0)]) } ?? .failure, "\(group)/\(resource)")
        }
    }

    func testForbiddenReasonAndDetailOfOneCheck() throws {
        let pod = try event(privilegedPod)
        let message = #"privileged (container "app" must not set securityContext.privileged=true)"#
        XCTAssertEqual(try extract("ka.pss.forbidden", "privileged/v1.25", pod), .values([.string(message)]))
        XCTAssertEqual(try extract("ka.pss.forbidden", "privileged", pod), .values([.string(message)]))
        XCTAssertEqual(try extract("ka.pss.reason", "privileged/latest", pod), .values([.string("privileged")]))
        XCTAssertEqual(try extract("ka.pss.detail", "privileged/latest", pod),
                       .values([.string(#"container "app" must not set securityContext.privileged=true"#)]))
        XCTAssertEqual(try extract("ka.pss.forbidden", "hostNamespaces/latest", pod), .failure, "allowed: no value")
        XCTAssertEqual(try extract("ka.req.podspec.runtime_class", nil, pod), .values([.string("kata")]))
        XCTAssertEqual(try extract("ka.req.podspec.name", nil, pod), .values([.string("web")]))
    }

    func testViolationsGivePodSecurityAdmissionsWholeDetailString() throws {
        let pod = try event("{metadata: {name: web}, spec: {hostPID: true, containers: [{name: app, securityContext: {privileged: true}}]}}")
        XCTAssertEqual(try extract("ka.pss.violations", "baseline/v1.30", pod),
                       .values([.string(#"host namespaces (hostPID=true), privileged (container "app" must not set securityContext.privileged=true)"#)]))
        XCTAssertEqual(try extract("ka.pss.failing", "baseline/v1.30", pod), .values([.string("hostNamespaces"), .string("privileged")]))
        XCTAssertEqual(try extract("ka.pss.failing", "baseline", pod), .values([.string("hostNamespaces"), .string("privileged")]))
        XCTAssertEqual(try extract("ka.pss.failing", "privileged/latest", pod), .values([]), "allowed: no values")
        XCTAssertEqual(try extract("ka.pss.violations", "privileged/latest", pod), .failure)
        XCTAssertEqual(try extract("ka.pss.violations", "strict/latest", pod), .failure)
    }

    func testIndexesThatNameNoCheckEntryGiveNoValue() throws {
        let pod = try event("{spec: {containers: [{name: app, securityContext: {runAsUser: 0}}]}}")
        XCTAssertNotEqual(try extract("ka.pss.forbidden", "runAsUser/v1.23", pod), .failure)
        for index in ["runAsUser/v1.22", "noSuchCheck/latest", "runAsUser/v2", "runAsUser/", "/latest"] {
            XCTAssertEqual(try extract("ka.pss.forbidden", index, pod), .failure, index)
        }
    }

    func testControllersAreJudgedOnTheirPodTemplate() throws {
        let deployment = try event(workload("Deployment", name: "api", template: "{metadata: {labels: {app: api}}, spec: {hostNetwork: true, containers: [{name: app}]}}"),
                                   resource: "deployments", apiGroup: "apps")
        XCTAssertEqual(try extract("ka.pss.forbidden", "hostNamespaces/latest", deployment), .values([.string("host namespaces (hostNetwork=true)")]))
        XCTAssertEqual(try extract("ka.req.podspec.name", nil, deployment), .values([.string("api")]))
        XCTAssertEqual(try extract("ka.req.podspec.kind", nil, deployment), .values([.string("Deployment")]))
    }

    func testAPatchIsJudgedOnTheResultingObject() throws {
        var patch = try event("{spec: {containers: [{name: app, image: nginx:2}]}}", verb: "patch")
        XCTAssertEqual(try extract("ka.pss.forbidden", "privileged/latest", patch), .failure, "no responseObject: nothing to judge")
        patch.responseObject = try manifest(privilegedPod)
        XCTAssertNotEqual(try extract("ka.pss.forbidden", "privileged/latest", patch), .failure)
        patch.responseObject = try manifest("{kind: Status, status: Failure, code: 422}")
        XCTAssertEqual(try extract("ka.pss.forbidden", "privileged/latest", patch), .failure, "a Status is not a pod")
    }

    func testObjectsOfAnotherKindHaveNoPodSpec() throws {
        let deletion = try event("{kind: DeleteOptions, apiVersion: v1, gracePeriodSeconds: 0}", verb: "delete")
        XCTAssertEqual(try extract("ka.pss.violations", "restricted/latest", deletion), .failure)
        XCTAssertEqual(try extract("ka.req.podspec.runtime_class", nil, deletion), .failure)
        let metadataLevel = try event(nil)
        XCTAssertEqual(try extract("ka.pss.violations", "restricted/latest", metadataLevel), .failure)
    }

    func testTheNameFallsBackToTheAuditReferenceThenTheGeneratedName() throws {
        var generated = try event("{metadata: {generateName: web-7d9f-}, spec: {containers: [{name: app}]}}")
        XCTAssertEqual(try extract("ka.req.podspec.name", nil, generated), .values([.string("web-7d9f-")]))
        generated.responseObject = try manifest("{kind: Pod, metadata: {name: web-7d9f-x2k4p}}")
        XCTAssertEqual(try extract("ka.req.podspec.name", nil, generated), .values([.string("web-7d9f-x2k4p")]))
        generated.name = "from-ref"
        XCTAssertEqual(try extract("ka.req.podspec.name", nil, generated), .values([.string("from-ref")]))
    }
}
