/// What Pod Security Admission judges: the metadata and spec of a pod, or of the pod template inside a
/// workload object. Only the fields some check reads are kept. `nil` means "not set" (absent or JSON
/// `null`), which PSA distinguishes from every explicit value.
public struct PodSpecView: Sendable, Equatable {
    public var metadata: PodMetadata
    public var spec: PodSpec
    public init(metadata: PodMetadata = PodMetadata(), spec: PodSpec = PodSpec()) {
        self.metadata = metadata; self.spec = spec
    }
}

public struct PodMetadata: Sendable, Equatable {
    public var name: String?
    public var generateName: String?
    /// Only string-valued annotations (the API server accepts no others).
    public var annotations: [String: String]
    public init(name: String? = nil, generateName: String? = nil, annotations: [String: String] = [:]) {
        self.name = name; self.generateName = generateName; self.annotations = annotations
    }
}

public struct PodSpec: Sendable, Equatable {
    public var hostNetwork: Bool?
    public var hostPID: Bool?
    public var hostIPC: Bool?
    public var hostUsers: Bool?
    /// `spec.os.name` (`""` when `spec.os` is present without a name).
    public var osName: String?
    public var runtimeClassName: String?
    public var securityContext: PodSecurityContext?
    public var volumes: [Volume]
    public var initContainers: [Container]
    public var containers: [Container]
    public var ephemeralContainers: [Container]

    public init(hostNetwork: Bool? = nil, hostPID: Bool? = nil, hostIPC: Bool? = nil, hostUsers: Bool? = nil,
                osName: String? = nil, runtimeClassName: String? = nil, securityContext: PodSecurityContext? = nil,
                volumes: [Volume] = [], initContainers: [Container] = [], containers: [Container] = [],
                ephemeralContainers: [Container] = []) {
        self.hostNetwork = hostNetwork; self.hostPID = hostPID; self.hostIPC = hostIPC; self.hostUsers = hostUsers
        self.osName = osName; self.runtimeClassName = runtimeClassName; self.securityContext = securityContext
        self.volumes = volumes; self.initContainers = initContainers; self.containers = containers
        self.ephemeralContainers = ephemeralContainers
    }

    /// Every container in PSA's visiting order: init containers, containers, ephemeral containers.
    public var allContainers: [Container] { initContainers + containers + ephemeralContainers }
}

/// The settings pod- and container-level security contexts share.
public struct SharedSecuritySettings: Sendable, Equatable {
    public var seLinuxOptions: SELinuxOptions?
    public var runAsUser: Int64?
    public var runAsNonRoot: Bool?
    /// `seccompProfile.type` (`""` when the profile is present without a type).
    public var seccompProfileType: String?
    /// `appArmorProfile.type` (`""` when the profile is present without a type).
    public var appArmorProfileType: String?
    /// `windowsOptions.hostProcess`.
    public var windowsHostProcess: Bool?
    /// `runAsGroup` (PSP admission's runAsGroup strategy; no Pod Security Standards check reads it).
    public var runAsGroup: Int64?
    /// `seccompProfile.localhostProfile` (PSP admission spells a Localhost profile `localhost/<profile>`).
    public var seccompLocalhostProfile: String?

    public init(seLinuxOptions: SELinuxOptions? = nil, runAsUser: Int64? = nil, runAsNonRoot: Bool? = nil,
                seccompProfileType: String? = nil, appArmorProfileType: String? = nil, windowsHostProcess: Bool? = nil) {
        self.seLinuxOptions = seLinuxOptions; self.runAsUser = runAsUser; self.runAsNonRoot = runAsNonRoot
        self.seccompProfileType = seccompProfileType; self.appArmorProfileType = appArmorProfileType
        self.windowsHostProcess = windowsHostProcess
    }
}

public struct PodSecurityContext: Sendable, Equatable {
    public var shared: SharedSecuritySettings
    /// `sysctls[].name`, in list order (`""` for an entry without a name).
    public var sysctlNames: [String]
    /// `fsGroup` and `supplementalGroups` (PSP admission; nil when unset, `[]` when set empty).
    public var fsGroup: Int64?
    public var supplementalGroups: [Int64]?
    public init(shared: SharedSecuritySettings = SharedSecuritySettings(), sysctlNames: [String] = []) {
        self.shared = shared; self.sysctlNames = sysctlNames
    }
}

public struct SecurityContext: Sendable, Equatable {
    public var shared: SharedSecuritySettings
    public var privileged: Bool?
    public var allowPrivilegeEscalation: Bool?
    public var capabilities: Capabilities?
    public var procMount: String?
    /// PSP admission's readOnlyRootFilesystem (no Pod Security Standards check reads it).
    public var readOnlyRootFilesystem: Bool?
    public init(shared: SharedSecuritySettings = SharedSecuritySettings(), privileged: Bool? = nil,
                allowPrivilegeEscalation: Bool? = nil, capabilities: Capabilities? = nil, procMount: String? = nil) {
        self.shared = shared; self.privileged = privileged; self.allowPrivilegeEscalation = allowPrivilegeEscalation
        self.capabilities = capabilities; self.procMount = procMount
    }
}

public struct Capabilities: Sendable, Equatable {
    public var add: [String]
    public var drop: [String]
    public init(add: [String] = [], drop: [String] = []) { self.add = add; self.drop = drop }
}

public struct SELinuxOptions: Sendable, Equatable {
    public var user: String
    public var role: String
    public var type: String
    /// Read by PSP admission's seLinux MustRunAs only (the Pod Security Standards ignore the level).
    public var level: String
    public init(user: String = "", role: String = "", type: String = "", level: String = "") {
        self.user = user; self.role = role; self.type = type; self.level = level
    }
}

public struct Volume: Sendable, Equatable {
    public var name: String
    /// The keys of the volume's sources that are set (every key but `name` whose value is not null).
    public var sources: Set<String>
    /// What PSP admission reads of some sources: `hostPath.path`, `flexVolume.driver`, `csi.driver`, and
    /// whether a `projected` volume holds only the service-account-token sources Kubernetes injects.
    public var hostPath: String?
    public var flexVolumeDriver: String?
    public var csiDriver: String?
    public var projectsOnlyServiceAccountToken = false
    public init(name: String, sources: Set<String>) { self.name = name; self.sources = sources }
}

/// A container's `volumeMounts[]` entry, as PSP admission's allowedHostPaths readOnly check reads it.
public struct VolumeMount: Sendable, Equatable {
    public var name: String
    public var readOnly: Bool
    public init(name: String, readOnly: Bool = false) { self.name = name; self.readOnly = readOnly }
}

public struct Container: Sendable, Equatable {
    public var name: String
    public var securityContext: SecurityContext?
    /// `ports[].hostPort` of every port entry, in order (0 when unset).
    public var hostPorts: [Int64]
    /// `ports[].containerPort` of the same entries (0 when unset): API defaulting copies it into an unset
    /// `hostPort` on a host-network pod (`applyingAPIDefaults`).
    public var containerPorts: [Int64]
    /// `volumeMounts[]` (PSP admission's allowedHostPaths readOnly check).
    public var volumeMounts: [VolumeMount] = []
    /// Handlers of the liveness, readiness and startup probes and the postStart and preStop hooks, in that
    /// order (only those present).
    public var handlers: [Handler]

    public init(name: String, securityContext: SecurityContext? = nil, hostPorts: [Int64] = [],
                containerPorts: [Int64]? = nil, handlers: [Handler] = []) {
        self.name = name; self.securityContext = securityContext; self.hostPorts = hostPorts
        self.containerPorts = containerPorts ?? Array(repeating: 0, count: hostPorts.count)
        self.handlers = handlers
    }
}

/// The parts of a probe or lifecycle handler that can name a host.
public struct Handler: Sendable, Equatable {
    public var httpGetHost: String?
    public var tcpSocketHost: String?
    public init(httpGetHost: String? = nil, tcpSocketHost: String? = nil) {
        self.httpGetHost = httpGetHost; self.tcpSocketHost = tcpSocketHost
    }
}
