import PSPAdmission
import XCTest

/// volumes, allowedHostPaths, allowedFlexVolumes, allowedCSIDrivers.
final class VolumeTests: XCTestCase {
    /// falcoctl writes no volumes rule for `volumes: []`; PSP admission admits no volume then.
    func testAnEmptyVolumesListAdmitsNoVolume() throws {
        let psp = try Admission.psp(["volumes": "[]"])
        let pod = "spec: {volumes: [{name: scratch, emptyDir: {}}], containers: [{name: app}]}"
        XCTAssertEqual(try Admission.errors(psp, pod),
                       [#"spec.volumes[0]: Invalid value: "emptyDir": emptyDir volumes are not allowed to be used"#])
        XCTAssertEqual(try Admission.checks(psp, pod), ["volumes"])
        XCTAssertEqual(try Admission.errors(psp, "spec: {containers: [{name: app}]}"), [])
    }

    func testListedTypesAndTheWildcard() throws {
        let pod = """
            spec:
              volumes:
              - {name: a, configMap: {name: c}}
              - {name: b, cephfs: {monitors: [m]}}
              - {name: c}
              - {name: d, persistentVolumeClaim: {claimName: data}}
              containers: [{name: app}]
            """
        let psp = try Admission.psp(["volumes": "[configMap, emptyDir]"])
        // cephfs is PSP's cephFS; a volume without a source is defaulted to an emptyDir.
        XCTAssertEqual(try Admission.errors(psp, pod), [
            #"spec.volumes[1]: Invalid value: "cephFS": cephFS volumes are not allowed to be used"#,
            #"spec.volumes[3]: Invalid value: "persistentVolumeClaim": persistentVolumeClaim volumes are not allowed to be used"#,
        ])
        XCTAssertEqual(try Admission.errors(try Admission.psp(["volumes": "['*']"]), pod), [])
        XCTAssertEqual(try Admission.errors(try Admission.psp(["volumes": "[configMap, emptyDir, cephFS, persistentVolumeClaim]"]), pod), [])
    }

    /// The projected token volume Kubernetes injects passes where secret volumes are allowed; any other
    /// projection needs `projected`.
    func testTheInjectedServiceAccountTokenVolumePassesWithSecret() throws {
        let injected = """
            spec:
              volumes:
              - name: kube-api-access
                projected:
                  sources:
                  - serviceAccountToken: {expirationSeconds: 3607, path: token}
                  - configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}
                  - downwardAPI: {items: [{path: namespace, fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}}]}
              containers: [{name: app}]
            """
        XCTAssertEqual(try Admission.errors(try Admission.psp(["volumes": "[secret]"]), injected), [])
        XCTAssertEqual(try Admission.checks(try Admission.psp(["volumes": "[configMap]"]), injected), ["volumes"])
        let audience = "spec: {volumes: [{name: t, projected: {sources: [{serviceAccountToken: {path: token, audience: vault}}]}}], containers: [{name: app}]}"
        XCTAssertEqual(try Admission.errors(try Admission.psp(["volumes": "[secret]"]), audience),
                       [#"spec.volumes[0]: Invalid value: "projected": projected volumes are not allowed to be used"#])
    }

    func testAllowedHostPathsMatchWholeSegmentsAndEnforceReadOnlyMounts() throws {
        let psp = try Admission.psp(["volumes": "[hostPath]",
                                     "allowedHostPaths": "[{pathPrefix: /var/log, readOnly: true}, {pathPrefix: /data/}]"])
        let pod = """
            spec:
              volumes:
              - {name: logs, hostPath: {path: /var/log/app}}
              - {name: data, hostPath: {path: /data}}
              - {name: other, hostPath: {path: /var/logs}}
              containers:
              - name: app
                volumeMounts: [{name: logs, mountPath: /l}, {name: data, mountPath: /d}]
              - name: side
                volumeMounts: [{name: logs, mountPath: /l, readOnly: true}]
            """
        XCTAssertEqual(try Admission.errors(psp, pod), [
            "spec.containers[0].volumeMounts[0].readOnly: Invalid value: false: must be read-only",
            #"spec.volumes[2].hostPath.pathPrefix: Invalid value: "/var/logs": is not allowed to be used"#,
        ])
        XCTAssertEqual(try Admission.checks(psp, pod), ["allowedHostPaths", "allowedHostPaths"])
        // No list: any path, mounted as the pod likes.
        XCTAssertEqual(try Admission.errors(try Admission.psp(["volumes": "[hostPath]"]), pod), [])
        // A type that is not allowed is reported as such, not as a path.
        XCTAssertEqual(try Admission.checks(try Admission.psp(["volumes": "[emptyDir]", "allowedHostPaths": "[{pathPrefix: /x}]"]), pod),
                       ["volumes", "volumes", "volumes"])
    }

    func testFlexVolumeDriversAndInlineCSIDrivers() throws {
        let pod = """
            spec:
              volumes:
              - {name: f, flexVolume: {driver: example/lvm}}
              - {name: c, csi: {driver: secrets-store.csi.k8s.io}}
              containers: [{name: app}]
            """
        let psp = try Admission.psp(["volumes": "[flexVolume, csi]", "allowedFlexVolumes": "[{driver: example/nfs}]",
                                     "allowedCSIDrivers": "[{name: disk.csi.example.com}]"])
        XCTAssertEqual(try Admission.errors(psp, pod), [
            #"spec.volumes[0].driver: Invalid value: "example/lvm": Flexvolume driver is not allowed to be used"#,
            #"spec.volumes[1].csi.driver: Invalid value: "secrets-store.csi.k8s.io": Inline CSI driver is not allowed to be used"#,
        ])
        XCTAssertEqual(try Admission.checks(psp, pod), ["allowedFlexVolumes", "allowedCSIDrivers"])
        XCTAssertEqual(try Admission.errors(try Admission.psp(["volumes": "[flexVolume, csi]"]), pod), [])
    }
}
