import K8sAuditFields

/// Realistic audit events used across the tests.
enum Fixtures {
    static let podSpec = #"""
    {"hostNetwork":true,"hostPID":false,"hostIPC":true,
     "securityContext":{"runAsUser":1000,"runAsGroup":3000,"fsGroup":2000,"supplementalGroups":[4000,5000]},
     "containers":[
       {"name":"nginx","image":"nginx:1.21","ports":[{"containerPort":80},{"containerPort":443,"hostPort":8443}],
        "securityContext":{"privileged":true,"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,
                           "runAsUser":0,"runAsGroup":10,"procMount":"Unmasked",
                           "capabilities":{"add":["NET_ADMIN","SYS_TIME"]}}},
       {"name":"side","image":"docker.io/library/busybox@sha256:abc"}],
     "volumes":[{"name":"data","emptyDir":{}},{"name":"etc","hostPath":{"path":"/etc","type":"Directory"}},
                {"name":"flex","flexVolume":{"driver":"example/lvm"}}]}
    """#

    /// A complete `create pod` event at RequestResponse level.
    static let podCreate = #"""
    {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"a1b2-c3","stage":"ResponseComplete",
     "requestURI":"/api/v1/namespaces/default/pods?fieldManager=kubectl-client-side-apply&dryRun=All",
     "verb":"create","user":{"username":"alice","groups":["dev","system:authenticated"]},
     "impersonatedUser":{"username":"bob"},"userAgent":"kubectl/v1.24.0",
     "objectRef":{"resource":"pods","namespace":"default","name":"web","apiVersion":"v1"},
     "responseStatus":{"metadata":{},"code":201},
     "requestObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web"},"spec":\#(podSpec)},
     "responseObject":{"kind":"Pod","metadata":{"name":"web-resp"}},
     "stageTimestamp":"2022-03-01T10:00:00.123456Z",
     "annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding"}}
    """#

    /// A Metadata-level event: no request object at all.
    static let metadataOnly = #"""
    {"kind":"Event","level":"Metadata","stage":"ResponseComplete","verb":"get","requestURI":"/api/v1/namespaces",
     "user":{"username":"system:anonymous","groups":[]},"objectRef":{"resource":"namespaces"},
     "responseStatus":{"code":403,"reason":"Forbidden"},"stageTimestamp":"2022-03-01T10:00:01Z"}
    """#

    static let clusterRole = #"""
    {"kind":"Event","verb":"create","stageTimestamp":"2022-03-01T10:00:02Z","objectRef":{"resource":"clusterroles","name":"r"},
     "requestObject":{"kind":"ClusterRole","rules":[{"verbs":["get","*"],"resources":"pods"},
                                                   {"apiGroups":[""],"nonResourceURLs":[]},
                                                   {"verbs":{"b":"watch","a":"list"},"apiGroups":null},
                                                   "not-a-rule"]}}
    """#

    static let binding = #"""
    {"kind":"Event","verb":"create","stageTimestamp":"2022-03-01T10:00:03Z","objectRef":{"resource":"clusterrolebindings","name":"b"},
     "requestObject":{"kind":"ClusterRoleBinding","roleRef":{"kind":"ClusterRole","name":"cluster-admin"},
                      "subjects":[{"kind":"User","name":"alice"},{"kind":"Group","name":"ops","apiGroup":"rbac.authorization.k8s.io"}]}}
    """#

    static let configMap = #"""
    {"kind":"Event","verb":"update","stageTimestamp":"2022-03-01T10:00:04Z","objectRef":{"resource":"configmaps","name":"settings"},
     "requestObject":{"kind":"ConfigMap","data":{"zeta":"1","alpha":"aws_access_key_id=x"}}}
    """#

    static let service = #"""
    {"kind":"Event","verb":"create","stageTimestamp":"2022-03-01T10:00:05Z","objectRef":{"resource":"services","name":"s"},
     "requestObject":{"kind":"Service","spec":{"type":"NodePort","ports":[{"port":80,"nodePort":30080},{"port":443}]}}}
    """#

    static let deployment = #"""
    {"kind":"Event","verb":"create","stageTimestamp":"2022-03-01T10:00:06Z","objectRef":{"resource":"deployments","name":"d"},
     "requestObject":{"kind":"Deployment","spec":{"template":{"spec":{"hostNetwork":true,
        "containers":[{"name":"c","image":"nginx","securityContext":{"privileged":true}}]}}}}}
    """#
}
