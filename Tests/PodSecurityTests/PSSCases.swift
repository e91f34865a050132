import Foundation
import PodSecurity
import YAMLKit

/// One pod judged at one level and version, and what Pod Security Admission says about it: either the
/// single check that forbids it with its `reason (detail)`, or nothing (allowed at that level).
/// Pods are written as YAML flow mappings; a case's pod violates at most one check, so the same table
/// drives the library tests and the end-to-end runs (where only the first failing rule alerts).
struct PSSCase: CustomStringConvertible {
    let level: PolicyLevel
    let version: String
    let pod: String
    /// The failing check's ID and PSA's `reason (detail)`; nil when the pod is allowed.
    let forbidden: (check: String, message: String)?
    let line: UInt

    var description: String { "\(level):\(version) line \(line)" }
}

private func allowed(_ level: PolicyLevel, _ version: String, _ pod: String, line: UInt = #line) -> PSSCase {
    PSSCase(level: level, version: version, pod: pod, forbidden: nil, line: line)
}

private func forbidden(_ level: PolicyLevel, _ version: String, _ pod: String, _ check: String, _ message: String,
                       line: UInt = #line) -> PSSCase {
    PSSCase(level: level, version: version, pod: pod, forbidden: (check, message), line: line)
}

/// A pod named `web` with the given spec members and containers (YAML flow text).
func pod(_ spec: String = "", containers: String = "{name: app}", metadata: String = "") -> String {
    "{metadata: {name: web\(metadata.isEmpty ? "" : ", " + metadata)}, spec: {containers: [\(containers)]\(spec.isEmpty ? "" : ", " + spec)}}"
}

/// Container security settings that pass every restricted check at every version.
let restrictedSettings = "allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}"

/// A container passing every restricted check; `overrides` are later keys of its securityContext and win.
func restrictedContainer(_ name: String = "app", _ overrides: String = "") -> String {
    "{name: \(name), securityContext: {\(restrictedSettings)\(overrides.isEmpty ? "" : ", " + overrides)}}"
}

/// A restricted-compliant pod except for `spec` members and container overrides.
func restrictedPod(_ spec: String = "", _ overrides: String = "") -> String {
    pod(spec, containers: restrictedContainer("app", overrides))
}

let windows = "os: {name: windows}"
/// Restricted container settings without the three Linux-only ones (for Windows pods).
let windowsContainer = "{name: app, securityContext: {runAsNonRoot: true}}"

let pssCases: [PSSCase] = [
    // privileged (baseline, v1.0)
    allowed(.baseline, "v1.0", pod(containers: "{name: app, securityContext: {privileged: false}}")),
    forbidden(.baseline, "v1.0", pod(containers: "{name: app, securityContext: {privileged: true}}"),
              "privileged", #"privileged (container "app" must not set securityContext.privileged=true)"#),
    forbidden(.baseline, "latest", pod("initContainers: [{name: init, securityContext: {privileged: true}}], ephemeralContainers: [{name: debug, securityContext: {privileged: true}}]",
                                       containers: "{name: app, securityContext: {privileged: true}}, {name: sidecar}"),
              "privileged", #"privileged (containers "init", "app", "debug" must not set securityContext.privileged=true)"#),

    // hostNamespaces (baseline, v1.0); hostUsers is not judged
    forbidden(.baseline, "v1.0", pod("hostIPC: true, hostPID: true, hostNetwork: true"),
              "hostNamespaces", "host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)"),
    forbidden(.baseline, "latest", pod("hostIPC: true"), "hostNamespaces", "host namespaces (hostIPC=true)"),
    allowed(.baseline, "latest", pod("hostNetwork: false, hostPID: false, hostIPC: false, hostUsers: true")),

    // hostPorts (baseline, v1.0): ports sorted as strings
    forbidden(.baseline, "latest", pod(containers: "{name: web, ports: [{containerPort: 80, hostPort: 8080}, {containerPort: 443, hostPort: 443}]}, {name: metrics, ports: [{containerPort: 10250, hostPort: 10250}]}"),
              "hostPorts", #"hostPort (containers "web", "metrics" use hostPorts 10250, 443, 8080)"#),
    forbidden(.baseline, "v1.0", pod(containers: "{name: a, ports: [{hostPort: 80}]}, {name: b, ports: [{hostPort: 80}]}"),
              "hostPorts", #"hostPort (containers "a", "b" use hostPort 80)"#),
    allowed(.baseline, "v1.0", pod(containers: "{name: web, ports: [{containerPort: 80, hostPort: 0}, {containerPort: 81}]}")),

    // hostPathVolumes (baseline, v1.0)
    forbidden(.baseline, "v1.0", pod("volumes: [{name: data, hostPath: {path: /var/lib}}]"),
              "hostPathVolumes", #"hostPath volumes (volume "data")"#),
    forbidden(.baseline, "latest", pod("volumes: [{name: data, hostPath: {path: /var}}, {name: cfg, configMap: {name: x}}, {name: root, hostPath: {path: /, type: Directory}}]"),
              "hostPathVolumes", #"hostPath volumes (volumes "data", "root")"#),
    allowed(.baseline, "latest", pod("volumes: [{name: scratch, emptyDir: {}}, {name: nfs, nfs: {server: s, path: /}}]")),

    // capabilities_baseline (baseline, v1.0; at restricted only below v1.22)
    forbidden(.baseline, "latest", pod("initContainers: [{name: init, securityContext: {capabilities: {add: [NET_ADMIN]}}}]",
                                       containers: "{name: app, securityContext: {capabilities: {add: [SYS_TIME, CHOWN, NET_ADMIN]}}}"),
              "capabilities_baseline", #"non-default capabilities (containers "init", "app" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add)"#),
    forbidden(.baseline, "v1.0", pod(containers: "{name: app, securityContext: {capabilities: {add: [CAP_CHOWN, chown]}}}"),
              "capabilities_baseline", #"non-default capabilities (container "app" must not include "CAP_CHOWN", "chown" in securityContext.capabilities.add)"#),
    allowed(.baseline, "v1.0", pod(containers: "{name: app, securityContext: {capabilities: {add: [AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT], drop: [NET_RAW]}}}")),
    forbidden(.restricted, "v1.21", restrictedPod("", "capabilities: {add: [SYS_ADMIN]}"),
              "capabilities_baseline", #"non-default capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add)"#),

    // appArmorProfile (baseline, v1.0): fields and annotations judged independently
    forbidden(.baseline, "v1.0", pod("securityContext: {appArmorProfile: {type: Unconfined}}"),
              "appArmorProfile", #"forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined")"#),
    forbidden(.baseline, "latest", pod("securityContext: {appArmorProfile: {type: Localhost, localhostProfile: p}}", containers: "{name: app, securityContext: {appArmorProfile: {type: \"\"}}}"),
              "appArmorProfile", #"forbidden AppArmor profile (container "app" must not set AppArmor profile type to "")"#),
    forbidden(.baseline, "latest", pod(metadata: "annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}"),
              "appArmorProfile", #"forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined"")"#),
    forbidden(.baseline, "latest", pod("securityContext: {appArmorProfile: {type: \"\"}}",
                                       containers: "{name: a, securityContext: {appArmorProfile: {type: Unconfined}}}, {name: b, securityContext: {appArmorProfile: {type: Unconfined}}}",
                                       metadata: "annotations: {container.apparmor.security.beta.kubernetes.io/b: x, container.apparmor.security.beta.kubernetes.io/a: unconfined}"),
              "appArmorProfile", #"forbidden AppArmor profiles (pod and containers "a", "b" and annotations must not set AppArmor profile type to "", "Unconfined", "container.apparmor.security.beta.kubernetes.io/a="unconfined"", "container.apparmor.security.beta.kubernetes.io/b="x"")"#),
    allowed(.baseline, "latest", pod(containers: "{name: app, securityContext: {appArmorProfile: {type: RuntimeDefault}}}, {name: b}",
                                     metadata: "annotations: {container.apparmor.security.beta.kubernetes.io/app: \"\", container.apparmor.security.beta.kubernetes.io/b: runtime/default, container.apparmor.security.beta.kubernetes.io/c: localhost/custom}")),

    // seLinuxOptions (baseline, v1.0; container_engine_t from v1.31)
    forbidden(.baseline, "v1.30", pod(containers: "{name: app, securityContext: {seLinuxOptions: {type: container_engine_t}}}"),
              "seLinuxOptions", #"seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: type "container_engine_t")"#),
    allowed(.baseline, "v1.31", pod(containers: "{name: app, securityContext: {seLinuxOptions: {type: container_engine_t}}}")),
    forbidden(.baseline, "latest", pod("securityContext: {seLinuxOptions: {type: spc_t, user: u}}",
                                       containers: "{name: a, securityContext: {seLinuxOptions: {type: unconfined_t}}}, {name: b, securityContext: {seLinuxOptions: {role: r}}}"),
              "seLinuxOptions", #"seLinuxOptions (pod and containers "a", "b" set forbidden securityContext.seLinuxOptions: types "spc_t", "unconfined_t"; user may not be set; role may not be set)"#),
    allowed(.baseline, "v1.0", pod("securityContext: {seLinuxOptions: {type: container_t, level: \"s0:c123,c456\"}}", containers: "{name: app, securityContext: {seLinuxOptions: {type: container_kvm_t}}}")),

    // procMount (baseline, v1.0; anything goes in a user namespace from v1.35)
    forbidden(.baseline, "v1.34", pod("hostUsers: false", containers: "{name: app, securityContext: {procMount: Unmasked}}"),
              "procMount", #"procMount (container "app" must not set securityContext.procMount to "Unmasked")"#),
    allowed(.baseline, "v1.35", pod("hostUsers: false", containers: "{name: app, securityContext: {procMount: Unmasked}}")),
    forbidden(.baseline, "latest", pod("hostUsers: true", containers: "{name: app, securityContext: {procMount: \"\"}}"),
              "procMount", #"procMount (container "app" must not set securityContext.procMount to "")"#),
    allowed(.baseline, "v1.0", pod(containers: "{name: app, securityContext: {procMount: Default}}")),

    // seccompProfile_baseline (baseline): annotations below v1.19, fields from v1.19
    forbidden(.baseline, "v1.18", pod(metadata: "annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}"),
              "seccompProfile_baseline", #"seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")"#),
    forbidden(.baseline, "v1.0", pod(metadata: "annotations: {seccomp.security.alpha.kubernetes.io/pod: \"\", container.seccomp.security.alpha.kubernetes.io/app: unconfined, container.seccomp.security.alpha.kubernetes.io/other: unconfined}"),
              "seccompProfile_baseline", #"seccompProfile (forbidden annotations container.seccomp.security.alpha.kubernetes.io/app="unconfined", seccomp.security.alpha.kubernetes.io/pod="")"#),
    allowed(.baseline, "v1.18", pod("securityContext: {seccompProfile: {type: Unconfined}}",
                                    metadata: "annotations: {seccomp.security.alpha.kubernetes.io/pod: docker/default, container.seccomp.security.alpha.kubernetes.io/app: localhost/p}")),
    allowed(.baseline, "v1.19", pod(metadata: "annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}")),
    forbidden(.baseline, "v1.19", pod("securityContext: {seccompProfile: {type: Unconfined}}", containers: "{name: app, securityContext: {seccompProfile: {type: Unconfined}}}"),
              "seccompProfile_baseline", #"seccompProfile (pod and container "app" must not set securityContext.seccompProfile.type to "Unconfined")"#),
    allowed(.baseline, "latest", pod(containers: "{name: app, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}")),
    forbidden(.restricted, "v1.18", pod(containers: restrictedContainer("app", "seccompProfile: {type: Unconfined}"), metadata: "annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}"),
              "seccompProfile_baseline", #"seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")"#),

    // sysctls (baseline): the allowed set grows at v1.27, v1.29, v1.32, v1.37
    forbidden(.baseline, "v1.0", pod("securityContext: {sysctls: [{name: net.core.somaxconn, value: \"1\"}, {name: kernel.shm_rmid_forced, value: \"1\"}, {name: net/ipv4/ip_local_port_range, value: \"1 2\"}, {name: net.core.somaxconn, value: \"2\"}]}"),
              "sysctls", "forbidden sysctls (net.core.somaxconn, net/ipv4/ip_local_port_range, net.core.somaxconn)"),
    forbidden(.baseline, "v1.26", pod("securityContext: {sysctls: [{name: net.ipv4.ip_local_reserved_ports, value: \"80\"}]}"),
              "sysctls", "forbidden sysctls (net.ipv4.ip_local_reserved_ports)"),
    allowed(.baseline, "v1.27", pod("securityContext: {sysctls: [{name: net.ipv4.ip_local_reserved_ports, value: \"80\"}]}")),
    forbidden(.baseline, "v1.28", pod("securityContext: {sysctls: [{name: net.ipv4.tcp_keepalive_time, value: \"60\"}]}"),
              "sysctls", "forbidden sysctls (net.ipv4.tcp_keepalive_time)"),
    allowed(.baseline, "v1.29", pod("securityContext: {sysctls: [{name: net.ipv4.tcp_keepalive_time, value: \"60\"}, {name: net.ipv4.tcp_fin_timeout, value: \"1\"}, {name: net.ipv4.tcp_keepalive_intvl, value: \"1\"}, {name: net.ipv4.tcp_keepalive_probes, value: \"1\"}]}")),
    forbidden(.baseline, "v1.31", pod("securityContext: {sysctls: [{name: net.ipv4.tcp_rmem, value: \"4096 87380 6291456\"}]}"),
              "sysctls", "forbidden sysctls (net.ipv4.tcp_rmem)"),
    allowed(.baseline, "v1.32", pod("securityContext: {sysctls: [{name: net.ipv4.tcp_rmem, value: \"4096 87380 6291456\"}, {name: net.ipv4.tcp_wmem, value: \"4096 16384 4194304\"}]}")),
    forbidden(.baseline, "v1.36", pod("securityContext: {sysctls: [{name: net.ipv4.tcp_notsent_lowat, value: \"1\"}, {name: net.ipv4.tcp_slow_start_after_idle, value: \"0\"}]}"),
              "sysctls", "forbidden sysctls (net.ipv4.tcp_notsent_lowat, net.ipv4.tcp_slow_start_after_idle)"),
    allowed(.baseline, "v1.37", pod("securityContext: {sysctls: [{name: net.ipv4.tcp_notsent_lowat, value: \"1\"}, {name: net.ipv4.tcp_slow_start_after_idle, value: \"0\"}]}")),
    allowed(.baseline, "latest", pod("securityContext: {sysctls: [{name: net.ipv4.tcp_notsent_lowat, value: \"1\"}, {name: net.ipv4.ping_group_range, value: \"0 1\"}]}")),

    // windowsHostProcess (baseline, v1.0), whatever the OS
    forbidden(.baseline, "latest", pod("securityContext: {windowsOptions: {hostProcess: true}}",
                                       containers: "{name: a, securityContext: {windowsOptions: {hostProcess: true}}}, {name: b, securityContext: {windowsOptions: {hostProcess: true}}}"),
              "windowsHostProcess", #"hostProcess (pod and containers "a", "b" must not set securityContext.windowsOptions.hostProcess=true)"#),
    forbidden(.baseline, "v1.0", pod("os: {name: linux}", containers: "{name: app, securityContext: {windowsOptions: {hostProcess: true}}}"),
              "windowsHostProcess", #"hostProcess (container "app" must not set securityContext.windowsOptions.hostProcess=true)"#),
    allowed(.baseline, "latest", pod("\(windows), securityContext: {windowsOptions: {hostProcess: false}}")),

    // hostProbesAndHostLifecycle (baseline, from v1.34): names and hosts sorted and de-duplicated
    allowed(.baseline, "v1.33", pod(containers: "{name: app, livenessProbe: {httpGet: {host: 10.0.0.1, port: 80}}}")),
    forbidden(.baseline, "v1.34", pod(containers: "{name: app, livenessProbe: {httpGet: {host: 10.0.0.1, port: 80}}}"),
              "hostProbesAndHostLifecycle", #"probe or lifecycle host (container "app" uses probe or lifecycle host "10.0.0.1")"#),
    forbidden(.baseline, "latest", pod(containers: "{name: b, readinessProbe: {httpGet: {host: \"\", port: 80}}, startupProbe: {tcpSocket: {host: example.com, port: 80}}}, {name: a, lifecycle: {preStop: {tcpSocket: {host: 127.0.0.1, port: 1}}, postStart: {httpGet: {host: example.com, port: 2}}}}, {name: b, livenessProbe: {httpGet: {host: example.com, port: 80}}}"),
              "hostProbesAndHostLifecycle", #"probe or lifecycle host (containers "a", "b" use probe or lifecycle hosts "127.0.0.1", "example.com")"#),
    allowed(.baseline, "latest", pod(containers: "{name: app, livenessProbe: {httpGet: {port: 80, httpHeaders: [{name: Host, value: example.com}]}}, readinessProbe: {grpc: {port: 9}}, lifecycle: {preStop: {exec: {command: [sh]}}}}")),

    // allowPrivilegeEscalation (restricted, from v1.8; Windows pods exempt from v1.25)
    allowed(.restricted, "v1.7", pod(containers: "{name: app, securityContext: {runAsNonRoot: true}}")),
    forbidden(.restricted, "v1.8", pod(containers: "{name: app, securityContext: {runAsNonRoot: true}}"),
              "allowPrivilegeEscalation", #"allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)"#),
    forbidden(.restricted, "latest", pod("initContainers: [\(restrictedContainer("init", "allowPrivilegeEscalation: true"))]", containers: restrictedContainer("app", "allowPrivilegeEscalation: true")),
              "allowPrivilegeEscalation", #"allowPrivilegeEscalation != false (containers "init", "app" must set securityContext.allowPrivilegeEscalation=false)"#),
    forbidden(.restricted, "v1.24", pod(windows, containers: "{name: app, securityContext: {runAsNonRoot: true, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}}}"),
              "allowPrivilegeEscalation", #"allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)"#),
    allowed(.restricted, "v1.25", pod(windows, containers: windowsContainer)),

    // capabilities_restricted (restricted, from v1.22; Windows pods exempt from v1.25)
    allowed(.restricted, "v1.21", pod(containers: "{name: app, securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}}")),
    forbidden(.restricted, "v1.22", pod(containers: "{name: app, securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}}"),
              "capabilities_restricted", #"unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])"#),
    forbidden(.restricted, "latest", pod("initContainers: [{name: init, securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}}]", containers: restrictedContainer("app", "capabilities: {drop: [all], add: [NET_BIND_SERVICE, SYS_ADMIN, CHOWN]}")),
              "capabilities_restricted", #"unrestricted capabilities (containers "init", "app" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "CHOWN", "SYS_ADMIN" in securityContext.capabilities.add)"#),
    allowed(.restricted, "latest", restrictedPod("", "capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}")),
    forbidden(.restricted, "v1.24", pod(windows, containers: "{name: app, securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, seccompProfile: {type: RuntimeDefault}}}"),
              "capabilities_restricted", #"unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])"#),
    allowed(.restricted, "v1.25", pod(windows, containers: "{name: app, securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, seccompProfile: {type: RuntimeDefault}}}")),

    // procMount at restricted: the baseline check until v1.34, procMount_restricted (no user-namespace relaxation) from v1.35
    forbidden(.restricted, "v1.34", restrictedPod("hostUsers: false", "procMount: Unmasked"),
              "procMount", #"procMount (container "app" must not set securityContext.procMount to "Unmasked")"#),
    forbidden(.restricted, "v1.35", restrictedPod("hostUsers: false", "procMount: Unmasked"),
              "procMount_restricted", #"procMount (container "app" must not set securityContext.procMount to "Unmasked")"#),
    allowed(.restricted, "latest", restrictedPod("hostUsers: false", "procMount: Default")),

    // restrictedVolumes (restricted, v1.0; replaces hostPathVolumes)
    forbidden(.restricted, "v1.0", restrictedPod("volumes: [{name: a, hostPath: {path: /}}, {name: b, nfs: {server: s, path: /}}, {name: c, configMap: {name: c}}, {name: d}]"),
              "restrictedVolumes", #"restricted volume types (volumes "a", "b", "d" use restricted volume types "hostPath", "nfs", "unknown")"#),
    forbidden(.restricted, "latest", restrictedPod("volumes: [{name: data, hostPath: {path: /var}}]"),
              "restrictedVolumes", #"restricted volume types (volume "data" uses restricted volume type "hostPath")"#),
    forbidden(.restricted, "latest", restrictedPod("volumes: [{name: a, hostPath: {path: /a}}, {name: b, hostPath: {path: /b}}]"),
              "restrictedVolumes", #"restricted volume types (volumes "a", "b" use restricted volume type "hostPath")"#),
    allowed(.restricted, "latest", restrictedPod("volumes: [{name: a, configMap: {name: a}}, {name: b, csi: {driver: d}}, {name: c, downwardAPI: {}}, {name: d, emptyDir: {}}, {name: e, ephemeral: {volumeClaimTemplate: {spec: {}}}}, {name: f, image: {reference: r}}, {name: g, persistentVolumeClaim: {claimName: g}}, {name: h, projected: {sources: []}}, {name: i, secret: {secretName: i}}]")),

    // runAsNonRoot (restricted, v1.0; pods in a user namespace exempt from v1.35)
    forbidden(.restricted, "v1.0", restrictedPod("", "runAsNonRoot: null"),
              "runAsNonRoot", #"runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)"#),
    allowed(.restricted, "latest", restrictedPod("securityContext: {runAsNonRoot: true}", "runAsNonRoot: null")),
    forbidden(.restricted, "latest", restrictedPod("securityContext: {runAsNonRoot: false}"),
              "runAsNonRoot", #"runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)"#),
    forbidden(.restricted, "latest", pod("securityContext: {runAsNonRoot: false}", containers: "\(restrictedContainer("app", "runAsNonRoot: false")), \(restrictedContainer("b", "runAsNonRoot: null"))"),
              "runAsNonRoot", #"runAsNonRoot != true (pod and container "app" must not set securityContext.runAsNonRoot=false)"#),
    forbidden(.restricted, "v1.34", restrictedPod("hostUsers: false", "runAsNonRoot: null"),
              "runAsNonRoot", #"runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)"#),
    allowed(.restricted, "v1.35", restrictedPod("hostUsers: false", "runAsNonRoot: null")),

    // runAsUser (restricted, from v1.23; pods in a user namespace exempt from v1.35)
    allowed(.restricted, "v1.22", restrictedPod("securityContext: {runAsUser: 0}", "runAsUser: 0")),
    forbidden(.restricted, "v1.23", restrictedPod("securityContext: {runAsUser: 0}", "runAsUser: 0"),
              "runAsUser", #"runAsUser=0 (pod and container "app" must not set runAsUser=0)"#),
    forbidden(.restricted, "latest", restrictedPod("securityContext: {runAsUser: 0}", "runAsUser: 1000"),
              "runAsUser", #"runAsUser=0 (pod must not set runAsUser=0)"#),
    forbidden(.restricted, "v1.34", restrictedPod("hostUsers: false", "runAsUser: 0"),
              "runAsUser", #"runAsUser=0 (container "app" must not set runAsUser=0)"#),
    allowed(.restricted, "v1.35", restrictedPod("hostUsers: false", "runAsUser: 0")),

    // seccompProfile_restricted (restricted, from v1.19; Windows pods exempt from v1.25)
    allowed(.restricted, "v1.18", restrictedPod("", "seccompProfile: null")),
    forbidden(.restricted, "v1.19", restrictedPod("", "seccompProfile: null"),
              "seccompProfile_restricted", #"seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#),
    allowed(.restricted, "latest", restrictedPod("securityContext: {seccompProfile: {type: Localhost, localhostProfile: p}}", "seccompProfile: null")),
    forbidden(.restricted, "latest", restrictedPod("securityContext: {seccompProfile: {type: Unconfined}}", "seccompProfile: {type: Localhost}"),
              "seccompProfile_restricted", #"seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")"#),
    forbidden(.restricted, "v1.24", pod(windows, containers: "{name: app, securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}"),
              "seccompProfile_restricted", #"seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#),
    allowed(.restricted, "v1.25", pod(windows, containers: "{name: app, securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}")),
]

/// Parses one YAML document (test input is always well formed).
func yamlDocument(_ text: String) throws -> YAMLNode {
    let documents = try YAML.parseDocuments(text)
    guard documents.count == 1 else { throw TestInputError("expected one YAML document in \(text)") }
    return documents[0]
}

/// A manifest written in YAML as the JSON the API server would log: plain `true`/`false`/`null`/integers
/// typed, everything else a string.
func jsonValue(_ node: YAMLNode) -> Any {
    switch node {
    case .mapping(let pairs, _):
        var object: [String: Any] = [:]
        for pair in pairs { object[pair.key.scalarText ?? ""] = jsonValue(pair.value) }
        return object
    case .sequence(let items, _):
        return items.map(jsonValue)
    case .scalar(let scalar):
        guard scalar.isPlain else { return scalar.value }
        switch scalar.value {
        case "true": return true
        case "false": return false
        case "null", "~": return NSNull()
        default: return Int(scalar.value).map { $0 as Any } ?? scalar.value
        }
    }
}

struct TestInputError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
