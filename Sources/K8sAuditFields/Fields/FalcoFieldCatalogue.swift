/// Falco 0.31.1's `jevt` and `ka` fields (k8s-audit-fields.md §2.3), with pspctl's corrections.
enum FalcoFieldCatalogue {
    static let registry = K8sFieldRegistry(
        prefixFields: EventTimeFields.specs + EventObjectFields.specs,
        exactFields: pointerChainFields + customFields)

    private static let customFields: [FieldSpec] =
        [RequestURIParamField.spec, BindingSubjectField.spec, HostPortField.spec, PrivilegedField.spec,
         VolumeFields.volumeType, VolumeFields.hostPathByPattern]
        + ContainerImageFields.specs + EffectiveRunAsFields.specs + RoleRuleFields.specs

    private static let containers = "/requestObject/spec/containers"
    private static let volumes = "/requestObject/spec/volumes"
    private static let podSecurityContext = "/requestObject/spec/securityContext"

    private static let pointerChainFields: [FieldSpec] = {
        let field = PointerChainFields.field
        return [
            field("ka.auditid", "The unique id of the audit event", .none, "/auditID", nil),
            field("ka.stage", "Stage of the request (e.g. RequestReceived, ResponseComplete, etc.)", .none, "/stage", nil),
            field("ka.auth.decision", "The authorization decision", .none, "/annotations/authorization.k8s.io~1decision", nil),
            field("ka.auth.reason", "The authorization reason", .none, "/annotations/authorization.k8s.io~1reason", nil),
            field("ka.user.name", "The user name performing the request", .none, "/user/username", nil),
            field("ka.user.groups", "The groups to which the user belongs", .none, "/user/groups", nil),
            field("ka.impuser.name", "The impersonated user name", .none, "/impersonatedUser/username", nil),
            field("ka.verb", "The action being performed", .none, "/verb", nil),
            field("ka.uri", "The request URI as sent from client to server", .none, "/requestURI", nil),
            field("ka.target.name", "The target object name", .none, "/objectRef/name", nil),
            field("ka.target.namespace", "The target object namespace", .none, "/objectRef/namespace", nil),
            field("ka.target.resource", "The target object resource", .none, "/objectRef/resource", nil),
            field("ka.target.subresource", "The target object subresource", .none, "/objectRef/subresource", nil),
            field("ka.req.binding.subjects", "When the request object refers to a cluster role binding, the subject (e.g. account/users) being linked by the binding", .none, "/requestObject/subjects", nil),
            field("ka.req.binding.role", "When the request object refers to a cluster role binding, the role being linked by the binding", .none, "/requestObject/roleRef/name", nil),
            field("ka.req.configmap.name", "If the request object refers to a configmap, the configmap name", .none, "/objectRef/name", nil),
            field("ka.req.configmap.obj", "If the request object refers to a configmap, the entire configmap object", .none, "/requestObject/data", nil),
            field("ka.req.pod.host_ipc", "When the request object refers to a pod, the value of the hostIPC flag.", .none, "/requestObject/spec/hostIPC", nil),
            field("ka.req.pod.host_network", "When the request object refers to a pod, the value of the hostNetwork flag.", .none, "/requestObject/spec/hostNetwork", nil),
            field("ka.req.container.host_network", "Deprecated alias for ka.req.pod.host_network", .none, "/requestObject/spec/hostNetwork", nil),
            field("ka.req.pod.host_pid", "When the request object refers to a pod, the value of the hostPID flag.", .none, "/requestObject/spec/hostPID", nil),
            field("ka.req.pod.containers.privileged", "When the request object refers to a pod, the value of the privileged flag for all containers.", .optionalNumeric, containers, "/securityContext/privileged"),
            field("ka.req.pod.containers.allow_privilege_escalation", "When the request object refers to a pod, the value of the allowPrivilegeEscalation flag for all containers", .optionalNumeric, containers, "/securityContext/allowPrivilegeEscalation"),
            field("ka.req.pod.containers.read_only_fs", "When the request object refers to a pod, the value of the readOnlyRootFilesystem flag for all containers", .optionalNumeric, containers, "/securityContext/readOnlyRootFilesystem"),
            field("ka.req.pod.run_as_user", "When the request object refers to a pod, the runAsUser uid specified in the security context for the pod. See ....containers.run_as_user for the runAsUser for individual containers", .none, podSecurityContext + "/runAsUser", nil),
            // pspctl's correction: upstream read runAsGroup here.
            field("ka.req.pod.containers.run_as_user", "When the request object refers to a pod, the runAsUser uid for all containers", .optionalNumeric, containers, "/securityContext/runAsUser"),
            field("ka.req.pod.run_as_group", "When the request object refers to a pod, the runAsGroup gid specified in the security context for the pod. See ....containers.run_as_group for the runAsGroup for individual containers", .none, podSecurityContext + "/runAsGroup", nil),
            field("ka.req.pod.containers.run_as_group", "When the request object refers to a pod, the runAsGroup gid for all containers", .optionalNumeric, containers, "/securityContext/runAsGroup"),
            field("ka.req.pod.containers.proc_mount", "When the request object refers to a pod, the procMount types for all containers", .optionalNumeric, containers, "/securityContext/procMount"),
            field("ka.req.role.rules", "When the request object refers to a role/cluster role, the rules associated with the role", .none, "/requestObject/rules", nil),
            field("ka.req.pod.fs_group", "When the request object refers to a pod, the fsGroup gid specified by the security context.", .none, podSecurityContext + "/fsGroup", nil),
            field("ka.req.pod.supplemental_groups", "When the request object refers to a pod, the supplementalGroup gids specified by the security context.", .none, podSecurityContext + "/supplementalGroups", nil),
            field("ka.req.pod.containers.add_capabilities", "When the request object refers to a pod, all capabilities to add when running the container.", .optionalNumeric, containers, "/securityContext/capabilities/add"),
            field("ka.req.service.type", "When the request object refers to a service, the service type", .none, "/requestObject/spec/type", nil),
            field("ka.req.service.ports", "When the request object refers to a service, the service's ports", .optionalNumeric, "/requestObject/spec/ports", nil),
            field("ka.req.pod.volumes.hostpath", "When the request object refers to a pod, all hostPath paths specified for all volumes", .optionalNumeric, volumes, "/hostPath/path"),
            field("ka.req.pod.volumes.flexvolume_driver", "When the request object refers to a pod, all flexvolume drivers specified for all volumes", .optionalNumeric, volumes, "/flexVolume/driver"),
            field("ka.resp.name", "The response object name", .none, "/responseObject/metadata/name", nil),
            field("ka.response.code", "The response code", .none, "/responseStatus/code", nil),
            field("ka.response.reason", "The response reason (usually present only for failures)", .none, "/responseStatus/reason", nil),
            field("ka.useragent", "The user agent of the client", .none, "/userAgent", nil),
        ]
    }()
}
