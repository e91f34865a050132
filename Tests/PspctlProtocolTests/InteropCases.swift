import PspctlProtocol

/// Messages built identically here and in python/interop.py (`cases()`): each side encodes them, the other
/// decodes and compares field by field. Keep the two lists in step.
enum InteropCases {
    typealias P = PspctlV1

    static let unicode = "é ✓ 日本語 \u{1F600} \"quoted\" \\ \t tab"

    static let condition: P.Expression = .and([
        .compare("ka.verb", .in, ["create", "update"]),
        .not(.or([
            .compare("ka.target.namespace", .equal, ["kube-system"]),
            .compare("ka.req.pod.host_network", .exists, []),
            .compare("ka.req.pod.containers.image", .startswith, [unicode]),
        ])),
        .compare("ka.req.pod.containers.add_capabilities", .intersects, []),
    ])

    static let ruleSet = P.CompiledRuleSet(
        id: String(repeating: "ab", count: 32),
        rulesYAML: "- rule: R\n  desc: \(unicode)\n",
        rules: [
            P.CompiledRule(name: "PSP Violation", description: unicode, priority: .warning, prioritySpelling: "WARNING",
                           source: "k8s_audit", tags: ["k8s", "psp"], output: "user=%ka.user.name", enabled: true,
                           condition: condition),
            P.CompiledRule(name: "Disabled", priority: .debug, prioritySpelling: "debug", source: "syscall"),
        ],
        warnings: ["warning one", unicode], summary: ["privileged → PSP_test_Violation", ""])

    static let alert = P.Alert(
        rule: "PSP Violation", priority: .critical, source: "k8s_audit", tags: ["a", "b"],
        time: "2024-01-02T03:04:05.123456789Z", output: "out \(unicode)",
        outputFields: [P.OutputField(key: "ka.user.name", value: "alice"),
                       P.OutputField(key: "proc.name", isNull: true),
                       P.OutputField(key: "ka.target.name", value: "")],
        jsonLine: #"{"output":"out","priority":"Critical"}"#, textLine: "03:04:05.123456789: Critical out",
        eventIndex: 3)

    static let cases: [(name: String, message: any ProtocolMessage)] = [
        ("expression", condition),
        ("compiled_rule_set", ruleSet),
        ("convert_request_psp", P.ConvertRequest(policy: .psp(P.PodSecurityPolicy(yaml: "kind: PodSecurityPolicy\n", displayName: "psp.yaml")))),
        ("convert_request_standard", P.ConvertRequest(policy: .standard(P.PodSecurityStandard(
            level: "restricted", version: "v1.25", exemptUsers: ["system:serviceaccount:a:b", unicode],
            exemptNamespaces: ["kube-system"], exemptRuntimeClasses: ["gvisor"],
            admissionConfigYAML: "apiVersion: apiserver.config.k8s.io/v1\n", admissionConfigName: "admission.yaml")))),
        ("convert_request_empty_oneof", P.ConvertRequest()),
        ("load_rule_set_request_files", P.LoadRuleSetRequest(
            source: .files(P.RulesFiles(files: [P.RulesFile(name: "falco_rules.yaml", yaml: "- list: a\n  items: []\n"),
                                                 P.RulesFile(name: "k8s_audit_rules.yaml", yaml: "")])),
            options: P.LoadOptions(minPriority: .warning, iso8601Time: true))),
        ("load_rule_set_request_compiled", P.LoadRuleSetRequest(source: .compiled(ruleSet), options: P.LoadOptions())),
        ("load_rule_set_response", P.LoadRuleSetResponse(id: "x", ruleCount: 4_000_000_000, warnings: ["w"], alreadyCached: true)),
        ("list_rule_sets_request", P.ListRuleSetsRequest()),
        ("list_rule_sets_response", P.ListRuleSetsResponse(ruleSets: [
            P.RuleSetSummary(id: "a", ruleCount: 1, options: P.LoadOptions(minPriority: .emergency)),
            P.RuleSetSummary(id: "b"),
        ])),
        ("delete_rule_set_request", P.DeleteRuleSetRequest(id: "abc")),
        ("delete_rule_set_response", P.DeleteRuleSetResponse(deleted: true)),
        ("evaluate_request_start", P.EvaluateRequest(request: .start(P.EvaluateStart(
            ruleSetID: "abc", allMatches: true, minPriority: .notice, renderText: true, renderJSON: true,
            renderedLinesOnly: true)))),
        ("evaluate_request_batch", P.EvaluateRequest(request: .batch(P.EventBatch(items: [
            P.EventItem(event: .k8sAuditJSON(Array(#"{"kind":"Event"}"#.utf8))),
            P.EventItem(event: .k8sAuditJSON([0x00, 0xFF, 0x7B, 0x0A])),
            P.EventItem(event: .k8sAuditJSON([])),
            P.EventItem(),
            P.EventItem(event: .sensorEvent(Array(#"{"evt.type":"open","evt.dir":"<","evt.rawtime":"1"}"#.utf8))),
        ], firstItemNumber: (1 << 63) + 1, sensorRunStartTime: 1_650_000_000_123_456_789)))),
        ("evaluate_response", P.EvaluateResponse(
            results: [P.ItemResult(index: 7, alerts: [alert, P.Alert(rule: "second")], events: 2),
                      P.ItemResult(index: 8, error: "line 9: not an audit event \(unicode)")],
            counts: P.Counts(itemsReceived: 9, eventsEvaluated: 1 << 63 + 5, itemsRejected: 1, alerts: UInt64.max))),
        ("alert_many_tags", P.Alert(rule: "many", tags: (0..<5000).map { "tag-\($0)" })),
        ("priority_unknown_value", P.LoadOptions(minPriority: P.Priority(rawValue: 42))),
        ("health_request", GRPCHealthV1.HealthCheckRequest(service: "pspctl.v1.Evaluator")),
        ("health_response", GRPCHealthV1.HealthCheckResponse(status: .serving)),
        ("health_response_service_unknown", GRPCHealthV1.HealthCheckResponse(status: .serviceUnknown)),
        ("reflection_request_list", GRPCReflectionV1Alpha.ServerReflectionRequest(host: "localhost", messageRequest: .listServices("*"))),
        ("reflection_request_file", GRPCReflectionV1Alpha.ServerReflectionRequest(messageRequest: .fileByFilename("pspctl/v1/types.proto"))),
        ("reflection_request_symbol", GRPCReflectionV1Alpha.ServerReflectionRequest(messageRequest: .fileContainingSymbol("pspctl.v1.Evaluator"))),
        ("reflection_request_extension", GRPCReflectionV1Alpha.ServerReflectionRequest(
            messageRequest: .fileContainingExtension(GRPCReflectionV1Alpha.ExtensionRequest(containingType: "a.B", extensionNumber: -7)))),
        ("reflection_response_files", GRPCReflectionV1Alpha.ServerReflectionResponse(
            validHost: "h", originalRequest: GRPCReflectionV1Alpha.ServerReflectionRequest(messageRequest: .fileByFilename("x.proto")),
            messageResponse: .fileDescriptorResponse(GRPCReflectionV1Alpha.FileDescriptorResponse(
                fileDescriptorProto: [[0x0A, 0x01, 0x78], [], Array(0...255)])))),
        ("reflection_response_services", GRPCReflectionV1Alpha.ServerReflectionResponse(
            messageResponse: .listServicesResponse(GRPCReflectionV1Alpha.ListServiceResponse(service: [
                GRPCReflectionV1Alpha.ServiceResponse(name: "pspctl.v1.Converter"),
                GRPCReflectionV1Alpha.ServiceResponse(name: "grpc.health.v1.Health"),
            ])))),
        ("reflection_response_extensions", GRPCReflectionV1Alpha.ServerReflectionResponse(
            messageResponse: .allExtensionNumbersResponse(GRPCReflectionV1Alpha.ExtensionNumberResponse(
                baseTypeName: "a.B", extensionNumber: [1, -5, Int32.max, Int32.min])))),
        ("reflection_response_error", GRPCReflectionV1Alpha.ServerReflectionResponse(
            messageResponse: .errorResponse(GRPCReflectionV1Alpha.ErrorResponse(errorCode: 5, errorMessage: "not found: x")))),
    ]
}
