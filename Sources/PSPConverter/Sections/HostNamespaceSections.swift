/// `hostPID`, `hostIPC`, `hostNetwork`: each emitted unless the PSP allows it (psp-conversion.md §2.4.2).
protocol HostNamespaceSection: PropertySection {
    static var property: String { get }
    static var field: String { get }
    static func setting(_ policy: PodSecurityPolicy) -> Bool?
}

extension HostNamespaceSection {
    static func build(_ context: ConversionContext) -> SectionOutput {
        let setting = setting(context.policy)
        guard setting != true else {
            return .none(field: property, setting: "true", reason: "allowed")
        }
        let rule = RuleBlock.k8sAudit(context.names, "(\(property))",
            desc: "Detect a psp validation failure for a \(property) pod using k8s audit logs",
            condition: "\(field) intersects (true)",
            output: "pod with \(property.lowercased())=true")
        return .rules(title: "\(property) property", body: rule.render(), rules: [rule],
                      field: property, setting: setting.summaryText)
    }
}

enum HostPIDSection: HostNamespaceSection {
    static let property = "hostPID", field = "ka.req.pod.host_pid"
    static func setting(_ policy: PodSecurityPolicy) -> Bool? { policy.hostPID }
}

enum HostIPCSection: HostNamespaceSection {
    static let property = "hostIPC", field = "ka.req.pod.host_ipc"
    static func setting(_ policy: PodSecurityPolicy) -> Bool? { policy.hostIPC }
}

enum HostNetworkSection: HostNamespaceSection {
    static let property = "hostNetwork", field = "ka.req.pod.host_network"
    static func setting(_ policy: PodSecurityPolicy) -> Bool? { policy.hostNetwork }
}
