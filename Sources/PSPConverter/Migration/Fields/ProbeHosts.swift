import PodSecurity

/// No PSP field (§6.3, gap G3): from v1.34 `hostProbesAndHostLifecycle` (baseline) rejects probes and
/// lifecycle hooks that name a host, which no PSP restricted; the audit log (`pspctl report`) finds them.
extension FieldMapping {
    static let probeHosts = FieldMapping(field: "(no PSP field: probe and lifecycle hosts)") { _ in
        FieldAdvice(gaps: [Witness("probes or lifecycle hooks with a host (httpGet.host, tcpSocket.host), which no PSP restricted",
                                   pod: WitnessPod.pod { $0.spec.containers[0].handlers = [Handler(httpGetHost: "example.com")] })])
    }
}
