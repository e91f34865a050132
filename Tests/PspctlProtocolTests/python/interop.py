#!/usr/bin/env python3
"""Independent protobuf implementation on the other side of PspctlProtocol's tests.

Usage: interop.py PROTOS_DIR WORK_DIR

  - generates Python modules from PROTOS_DIR/pspctl/v1/*.proto with grpc_tools.protoc (into WORK_DIR/gen);
    grpc/health and grpc/reflection messages come from the official grpcio-health-checking and
    grpcio-reflection packages, so pspctl's own copies of those protos are checked against the standard;
  - writes every case of cases() encoded by Python to WORK_DIR/python/<case>.bin;
  - decodes WORK_DIR/swift/<case>.bin (written by the Swift test) and compares with cases(), field by
    field (message equality), and the bytes with Python's own encoding;
  - parses WORK_DIR/descriptors/*.pb (the Swift DescriptorRegistry's FileDescriptorProtos) with
    descriptor_pb2, builds a descriptor pool from them, and checks services, methods and messages.
Prints one line per problem and exits 1 when there was any.
"""
import os
import subprocess
import sys


def generate(protos, gen):
    os.makedirs(gen, exist_ok=True)
    files = sorted(os.path.relpath(os.path.join(d, f), protos)
                   for d, _, fs in os.walk(protos) for f in fs if f.endswith(".proto"))
    ours = [f for f in files if f.startswith("pspctl/")]
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I", protos, "--python_out=" + gen,
                    "--grpc_python_out=" + gen] + ours, check=True)
    # The standard protos must compile with grpc_tools too (into a directory never imported).
    std = os.path.join(gen, "..", "gen-std")
    os.makedirs(std, exist_ok=True)
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I", protos, "--python_out=" + std,
                    "--grpc_python_out=" + std] + [f for f in files if f.startswith("grpc/")], check=True)
    sys.path.insert(0, gen)


UNICODE = "é ✓ 日本語 \U0001F600 \"quoted\" \\ \t tab"


def cases():
    from pspctl.v1 import types_pb2 as T, converter_pb2 as C, evaluator_pb2 as E
    from grpc_health.v1 import health_pb2 as H
    from grpc_reflection.v1alpha import reflection_pb2 as R

    def cmp(field, op, values, is_list=False):
        return T.Expression(comparison=T.Comparison(field=field, operator=op, values=values, values_is_list=is_list))

    condition = T.Expression(conjunction=T.Conjunction(operands=[
        cmp("ka.verb", T.COMPARISON_OPERATOR_IN, ["create", "update"], True),
        T.Expression(negation=T.Negation(operand=T.Expression(disjunction=T.Disjunction(operands=[
            cmp("ka.target.namespace", T.COMPARISON_OPERATOR_EQUAL, ["kube-system"]),
            cmp("ka.req.pod.host_network", T.COMPARISON_OPERATOR_EXISTS, []),
            cmp("ka.req.pod.containers.image", T.COMPARISON_OPERATOR_STARTSWITH, [UNICODE]),
        ])))),
        cmp("ka.req.pod.containers.add_capabilities", T.COMPARISON_OPERATOR_INTERSECTS, [], True),
    ]))
    rule_set = T.CompiledRuleSet(
        id="ab" * 32, rules_yaml="- rule: R\n  desc: %s\n" % UNICODE,
        rules=[T.CompiledRule(name="PSP Violation", description=UNICODE, priority=T.PRIORITY_WARNING,
                              priority_spelling="WARNING", source="k8s_audit", tags=["k8s", "psp"],
                              output="user=%ka.user.name", enabled=True, condition=condition),
               T.CompiledRule(name="Disabled", priority=T.PRIORITY_DEBUG, priority_spelling="debug", source="syscall")],
        warnings=["warning one", UNICODE], summary=["privileged → PSP_test_Violation", ""])
    alert = E.Alert(rule="PSP Violation", priority=T.PRIORITY_CRITICAL, source="k8s_audit", tags=["a", "b"],
                    time="2024-01-02T03:04:05.123456789Z", output="out " + UNICODE,
                    output_fields=[E.OutputField(key="ka.user.name", value="alice"),
                                   E.OutputField(key="proc.name", is_null=True),
                                   E.OutputField(key="ka.target.name", value="")],
                    json_line='{"output":"out","priority":"Critical"}', text_line="03:04:05.123456789: Critical out",
                    event_index=3)
    return [
        ("expression", condition),
        ("compiled_rule_set", rule_set),
        ("convert_request_psp", C.ConvertRequest(psp=C.PodSecurityPolicy(yaml="kind: PodSecurityPolicy\n", display_name="psp.yaml"))),
        ("convert_request_standard", C.ConvertRequest(standard=C.PodSecurityStandard(
            level="restricted", version="v1.25", exempt_users=["system:serviceaccount:a:b", UNICODE],
            exempt_namespaces=["kube-system"], exempt_runtime_classes=["gvisor"],
            admission_config_yaml="apiVersion: apiserver.config.k8s.io/v1\n", admission_config_name="admission.yaml"))),
        ("convert_request_empty_oneof", C.ConvertRequest()),
        ("load_rule_set_request_files", E.LoadRuleSetRequest(
            files=E.RulesFiles(files=[E.RulesFile(name="falco_rules.yaml", yaml="- list: a\n  items: []\n"),
                                      E.RulesFile(name="k8s_audit_rules.yaml", yaml="")]),
            options=E.LoadOptions(min_priority=T.PRIORITY_WARNING, iso8601_time=True))),
        ("load_rule_set_request_compiled", E.LoadRuleSetRequest(compiled=rule_set, options=E.LoadOptions())),
        ("load_rule_set_response", E.LoadRuleSetResponse(id="x", rule_count=4000000000, warnings=["w"], already_cached=True)),
        ("list_rule_sets_request", E.ListRuleSetsRequest()),
        ("list_rule_sets_response", E.ListRuleSetsResponse(rule_sets=[
            E.RuleSetSummary(id="a", rule_count=1, options=E.LoadOptions(min_priority=T.PRIORITY_EMERGENCY)),
            E.RuleSetSummary(id="b")])),
        ("delete_rule_set_request", E.DeleteRuleSetRequest(id="abc")),
        ("delete_rule_set_response", E.DeleteRuleSetResponse(deleted=True)),
        ("evaluate_request_start", E.EvaluateRequest(start=E.EvaluateStart(
            rule_set_id="abc", all_matches=True, min_priority=T.PRIORITY_NOTICE, render_text=True, render_json=True,
            rendered_lines_only=True))),
        ("evaluate_request_batch", E.EvaluateRequest(batch=E.EventBatch(items=[
            E.EventItem(k8s_audit_json=b'{"kind":"Event"}'),
            E.EventItem(k8s_audit_json=b"\x00\xff\x7b\x0a"),
            E.EventItem(k8s_audit_json=b""),
            E.EventItem(),
            E.EventItem(sensor_event=b'{"evt.type":"open","evt.dir":"<","evt.rawtime":"1"}')],
            first_item_number=(1 << 63) + 1, sensor_run_start_time=1650000000123456789))),
        ("evaluate_response", E.EvaluateResponse(
            results=[E.ItemResult(index=7, alerts=[alert, E.Alert(rule="second")], events=2),
                     E.ItemResult(index=8, error="line 9: not an audit event " + UNICODE)],
            counts=E.Counts(items_received=9, events_evaluated=(1 << 63) + 5, items_rejected=1, alerts=2**64 - 1))),
        ("alert_many_tags", E.Alert(rule="many", tags=["tag-%d" % i for i in range(5000)])),
        ("priority_unknown_value", E.LoadOptions(min_priority=42)),
        ("health_request", H.HealthCheckRequest(service="pspctl.v1.Evaluator")),
        ("health_response", H.HealthCheckResponse(status=H.HealthCheckResponse.SERVING)),
        ("health_response_service_unknown", H.HealthCheckResponse(status=H.HealthCheckResponse.SERVICE_UNKNOWN)),
        ("reflection_request_list", R.ServerReflectionRequest(host="localhost", list_services="*")),
        ("reflection_request_file", R.ServerReflectionRequest(file_by_filename="pspctl/v1/types.proto")),
        ("reflection_request_symbol", R.ServerReflectionRequest(file_containing_symbol="pspctl.v1.Evaluator")),
        ("reflection_request_extension", R.ServerReflectionRequest(
            file_containing_extension=R.ExtensionRequest(containing_type="a.B", extension_number=-7))),
        ("reflection_response_files", R.ServerReflectionResponse(
            valid_host="h", original_request=R.ServerReflectionRequest(file_by_filename="x.proto"),
            file_descriptor_response=R.FileDescriptorResponse(file_descriptor_proto=[b"\x0a\x01x", b"", bytes(range(256))]))),
        ("reflection_response_services", R.ServerReflectionResponse(list_services_response=R.ListServiceResponse(service=[
            R.ServiceResponse(name="pspctl.v1.Converter"), R.ServiceResponse(name="grpc.health.v1.Health")]))),
        ("reflection_response_extensions", R.ServerReflectionResponse(all_extension_numbers_response=R.ExtensionNumberResponse(
            base_type_name="a.B", extension_number=[1, -5, 2**31 - 1, -2**31]))),
        ("reflection_response_error", R.ServerReflectionResponse(error_response=R.ErrorResponse(error_code=5, error_message="not found: x"))),
    ]


def check_descriptors(directory, problems):
    from google.protobuf import descriptor_pb2, descriptor_pool
    from pspctl.v1 import converter_pb2, evaluator_pb2, types_pb2
    from grpc_health.v1 import health_pb2
    from grpc_reflection.v1alpha import reflection_pb2
    names = sorted(f for f in os.listdir(directory) if f.endswith(".pb"))
    protos = []
    for name in names:
        with open(os.path.join(directory, name), "rb") as f:
            protos.append(descriptor_pb2.FileDescriptorProto.FromString(f.read()))
    pool = descriptor_pool.DescriptorPool()
    for proto in protos:  # the registry lists files after their dependencies
        pool.Add(proto)
    print("descriptors: %s" % ", ".join(p.name for p in protos))
    services = sorted(s.full_name for p in protos for s in pool.FindFileByName(p.name).services_by_name.values())
    expected = ["grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection", "pspctl.v1.Converter", "pspctl.v1.Evaluator"]
    if services != expected:
        problems.append("descriptors: services %s, expected %s" % (services, expected))
    evaluate = pool.FindMethodByName("pspctl.v1.Evaluator.Evaluate")
    if not (evaluate.client_streaming and evaluate.server_streaming and evaluate.input_type.full_name == "pspctl.v1.EvaluateRequest"):
        problems.append("descriptors: pspctl.v1.Evaluator.Evaluate is not a bidirectional stream of EvaluateRequest")
    # pspctl's files are the ones grpc_tools compiled from protos/ (same content, as descriptors; protoc's
    # descriptor sets also carry each field's json_name, which grpc_tools' embedded copies leave out).
    def without_json_names(messages):
        for message in messages:
            for field in message.field:
                field.ClearField("json_name")
            without_json_names(message.nested_type)

    for module in (types_pb2, converter_pb2, evaluator_pb2):
        mine = descriptor_pb2.FileDescriptorProto()
        module.DESCRIPTOR.CopyToProto(mine)
        theirs = descriptor_pb2.FileDescriptorProto()
        theirs.CopyFrom(next((p for p in protos if p.name == mine.name), descriptor_pb2.FileDescriptorProto()))
        without_json_names(theirs.message_type)
        if theirs != mine:
            problems.append("descriptors: %s differs from grpc_tools' compilation of it" % mine.name)
    # The standard files have the standard wire contract: same messages, field names, numbers, types, labels.
    for module, name in ((health_pb2, "grpc/health/v1/health.proto"), (reflection_pb2, "grpc/reflection/v1alpha/reflection.proto")):
        standard = module.DESCRIPTOR
        ours = pool.FindFileByName(name)
        if ours.package != standard.package:
            problems.append("descriptors: %s package %s, standard %s" % (name, ours.package, standard.package))
        for message in standard.message_types_by_name.values():
            mine = pool.FindMessageTypeByName(message.full_name)
            a = sorted((f.name, f.number, f.type, f.label) for f in message.fields)
            b = sorted((f.name, f.number, f.type, f.label) for f in mine.fields)
            if a != b:
                problems.append("descriptors: %s fields %s, standard %s" % (message.full_name, b, a))
        for service in standard.services_by_name.values():
            mine = pool.FindServiceByName(service.full_name)
            a = sorted((m.name, m.input_type.full_name, m.output_type.full_name, m.client_streaming, m.server_streaming) for m in service.methods)
            b = sorted((m.name, m.input_type.full_name, m.output_type.full_name, m.client_streaming, m.server_streaming) for m in mine.methods)
            if a != b:
                problems.append("descriptors: service %s methods %s, standard %s" % (service.full_name, b, a))


def main():
    protos, work = sys.argv[1], sys.argv[2]
    generate(protos, os.path.join(work, "gen"))
    problems = []
    out = os.path.join(work, "python")
    os.makedirs(out, exist_ok=True)
    checked = 0
    for name, message in cases():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(message.SerializeToString())
        path = os.path.join(work, "swift", name + ".bin")
        if not os.path.exists(path):
            problems.append("%s: Swift wrote no %s" % (name, path))
            continue
        with open(path, "rb") as f:
            data = f.read()
        try:
            decoded = type(message).FromString(data)
        except Exception as error:  # noqa: BLE001 - reported as a test failure
            problems.append("%s: Python cannot parse Swift's bytes: %s" % (name, error))
            continue
        if decoded != message:
            problems.append("%s: Swift's bytes decode to\n%s\nexpected\n%s" % (name, decoded, message))
        if data != message.SerializeToString():
            problems.append("%s: Swift's bytes differ from Python's encoding" % name)
        checked += 1
    print("python: checked %d cases encoded by Swift, wrote %d" % (checked, len(cases())))
    check_descriptors(os.path.join(work, "descriptors"), problems)
    for problem in problems:
        print("PROBLEM: " + problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
