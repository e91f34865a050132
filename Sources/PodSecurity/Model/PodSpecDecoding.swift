import AuditJSON
import YAMLKit

// Decoding is lenient: a value of the wrong JSON type counts as unset. The API server rejects such
// objects before admission, so they only appear in hand-written or truncated events.

extension PodSpecView {
    /// Reads a pod or a pod template: an object with `metadata` and `spec`.
    public init(podOrTemplate node: JSONNode) { self.init(decoding: node) }
    public init(podOrTemplate node: YAMLNode) { self.init(decoding: node) }

    /// Reads the pod spec a workload object carries (the object itself for a Pod, its template for a
    /// controller); nil when the object has no template.
    public init?(object node: JSONNode, kind: WorkloadKind) { self.init(decoding: node, kind: kind) }
    public init?(object node: YAMLNode, kind: WorkloadKind) { self.init(decoding: node, kind: kind) }

    init?<Node: KubernetesObjectNode>(decoding object: Node, kind: WorkloadKind) {
        guard let template = kind.templateNode(in: object) else { return nil }
        self.init(decoding: template)
    }

    init<Node: KubernetesObjectNode>(decoding node: Node) {
        self.init(metadata: PodMetadata(decoding: node.object("metadata")),
                  spec: PodSpec(decoding: node.object("spec")))
    }
}

extension WorkloadKind {
    /// The node holding the judged `metadata` and `spec` inside an object of this kind (the object itself
    /// for a Pod); nil when it is missing or not an object.
    public func template(in object: JSONNode) -> JSONNode? { templateNode(in: object) }

    func templateNode<Node: KubernetesObjectNode>(in object: Node) -> Node? {
        var node = object
        for key in templatePath {
            guard let next = node.object(key) else { return nil }
            node = next
        }
        return node
    }
}

extension KubernetesObjectNode {
    /// Member `key` when it is an object.
    func object(_ key: String) -> Self? {
        guard let value = member(key), value.isObject else { return nil }
        return value
    }
    func string(_ key: String) -> String? { member(key)?.stringValue }
    func bool(_ key: String) -> Bool? { member(key)?.boolValue }
    func integer(_ key: String) -> Int64? { member(key)?.integerValue }
    func array(_ key: String) -> [Self] { member(key)?.elements ?? [] }
    func strings(_ key: String) -> [String] { array(key).compactMap(\.stringValue) }
}

extension PodMetadata {
    init<Node: KubernetesObjectNode>(decoding node: Node?) {
        var annotations: [String: String] = [:]
        for (key, value) in node?.object("annotations")?.nonNullMembers ?? [] {
            if let text = value.stringValue { annotations[key] = text }
        }
        self.init(name: node?.string("name"), generateName: node?.string("generateName"), annotations: annotations)
    }
}

extension PodSpec {
    init<Node: KubernetesObjectNode>(decoding node: Node?) {
        guard let node else { self.init(); return }
        self.init(
            hostNetwork: node.bool("hostNetwork"), hostPID: node.bool("hostPID"), hostIPC: node.bool("hostIPC"),
            hostUsers: node.bool("hostUsers"),
            osName: node.object("os").map { $0.string("name") ?? "" },
            runtimeClassName: node.string("runtimeClassName"),
            securityContext: node.object("securityContext").map(PodSecurityContext.init(decoding:)),
            volumes: node.array("volumes").filter(\.isObject).map(Volume.init(decoding:)),
            initContainers: Container.list(node.array("initContainers")),
            containers: Container.list(node.array("containers")),
            ephemeralContainers: Container.list(node.array("ephemeralContainers")))
    }
}

extension SharedSecuritySettings {
    init<Node: KubernetesObjectNode>(decoding node: Node) {
        self.init(
            seLinuxOptions: node.object("seLinuxOptions").map {
                SELinuxOptions(user: $0.string("user") ?? "", role: $0.string("role") ?? "", type: $0.string("type") ?? "",
                               level: $0.string("level") ?? "")
            },
            runAsUser: node.integer("runAsUser"),
            runAsNonRoot: node.bool("runAsNonRoot"),
            seccompProfileType: node.object("seccompProfile").map { $0.string("type") ?? "" },
            appArmorProfileType: node.object("appArmorProfile").map { $0.string("type") ?? "" },
            windowsHostProcess: node.object("windowsOptions")?.bool("hostProcess"))
        runAsGroup = node.integer("runAsGroup")
        seccompLocalhostProfile = node.object("seccompProfile")?.string("localhostProfile")
    }
}

extension PodSecurityContext {
    init<Node: KubernetesObjectNode>(decoding node: Node) {
        self.init(shared: SharedSecuritySettings(decoding: node),
                  sysctlNames: node.array("sysctls").map { $0.string("name") ?? "" })
        fsGroup = node.integer("fsGroup")
        supplementalGroups = node.member("supplementalGroups").map { $0.elements.compactMap(\.integerValue) }
    }
}

extension SecurityContext {
    init<Node: KubernetesObjectNode>(decoding node: Node) {
        self.init(shared: SharedSecuritySettings(decoding: node),
                  privileged: node.bool("privileged"),
                  allowPrivilegeEscalation: node.bool("allowPrivilegeEscalation"),
                  capabilities: node.object("capabilities").map {
                      Capabilities(add: $0.strings("add"), drop: $0.strings("drop"))
                  },
                  procMount: node.string("procMount"))
        readOnlyRootFilesystem = node.bool("readOnlyRootFilesystem")
    }
}

extension Volume {
    init<Node: KubernetesObjectNode>(decoding node: Node) {
        self.init(name: node.string("name") ?? "",
                  sources: Set(node.nonNullMembers.map(\.key).filter { $0 != "name" }))
        hostPath = node.object("hostPath")?.string("path")
        flexVolumeDriver = node.object("flexVolume")?.string("driver")
        csiDriver = node.object("csi")?.string("driver")
        projectsOnlyServiceAccountToken = node.object("projected").map(Self.holdsOnlyServiceAccountToken) ?? false
    }

    /// The projected volume Kubernetes injects for a service account's token (PSP's `IsOnlyServiceAccountTokenSources`):
    /// only a token at path `token` without audience, the `kube-root-ca.crt` ConfigMap, and the namespace from
    /// the downward API (`fieldRef.apiVersion` defaults to v1).
    static func holdsOnlyServiceAccountToken<Node: KubernetesObjectNode>(_ projected: Node) -> Bool {
        for source in projected.array("sources") {
            let token = source.object("serviceAccountToken"), configMap = source.object("configMap")
            let downwardAPI = source.object("downwardAPI")
            if token == nil && configMap == nil && downwardAPI == nil { return false }
            if let token, token.string("path") != "token" || !(token.string("audience") ?? "").isEmpty { return false }
            if let configMap, configMap.string("name") != "kube-root-ca.crt" { return false }
            for item in downwardAPI?.array("items") ?? [] {
                guard item.string("path") == "namespace", let fieldRef = item.object("fieldRef"),
                      fieldRef.string("apiVersion") ?? "v1" == "v1",
                      fieldRef.string("fieldPath") == "metadata.namespace" else { return false }
            }
        }
        return true
    }
}

extension Container {
    static func list<Node: KubernetesObjectNode>(_ nodes: [Node]) -> [Container] {
        nodes.filter(\.isObject).map(Container.init(decoding:))
    }

    init<Node: KubernetesObjectNode>(decoding node: Node) {
        let probes = ["livenessProbe", "readinessProbe", "startupProbe"].compactMap { node.object($0) }
        let hooks = node.object("lifecycle").map { lifecycle in
            ["postStart", "preStop"].compactMap { lifecycle.object($0) }
        } ?? []
        self.init(name: node.string("name") ?? "",
                  securityContext: node.object("securityContext").map(SecurityContext.init(decoding:)),
                  hostPorts: node.array("ports").map { $0.integer("hostPort") ?? 0 },
                  containerPorts: node.array("ports").map { $0.integer("containerPort") ?? 0 },
                  handlers: (probes + hooks).map {
                      Handler(httpGetHost: $0.object("httpGet")?.string("host"),
                              tcpSocketHost: $0.object("tcpSocket")?.string("host"))
                  })
        volumeMounts = node.array("volumeMounts").filter(\.isObject).map {
            VolumeMount(name: $0.string("name") ?? "", readOnly: $0.bool("readOnly") ?? false)
        }
    }
}
