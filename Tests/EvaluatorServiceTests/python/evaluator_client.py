#!/usr/bin/env python3
"""An independent Evaluator client: grpcio with stubs generated from protos/ at run time.

Usage: evaluator_client.py PROTOS_DIR PORT RULES_FILE AUDIT_LOG
Loads RULES_FILE with LoadRuleSet, streams AUDIT_LOG's lines (plus one malformed line) in batches of 3
through Evaluate, checks the answers, checks grpc.health.v1 (SERVING) and server reflection (lists and
resolves pspctl.v1.Evaluator), prints the alerts' rules and "ok".
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluator_stubs

def main():
    protos, port, rules_path, log_path = sys.argv[1:5]
    pb, rpc = evaluator_stubs.load(protos)
    import grpc

    channel = grpc.insecure_channel("127.0.0.1:" + port)
    stub = rpc.EvaluatorStub(channel)
    with open(rules_path) as f:
        rules = f.read()
    request = pb.LoadRuleSetRequest(files=pb.RulesFiles(files=[pb.RulesFile(name=rules_path, yaml=rules)]))
    loaded = stub.LoadRuleSet(request, timeout=60)
    assert len(loaded.id) == 64 and loaded.rule_count > 0, loaded
    again = stub.LoadRuleSet(request, timeout=60)
    assert again.id == loaded.id and again.already_cached, again

    with open(log_path, "rb") as f:
        lines = [line.rstrip(b"\n") for line in f if line.strip()]
    lines.insert(1, b"{not json")

    def requests():
        yield pb.EvaluateRequest(start=pb.EvaluateStart(rule_set_id=loaded.id, render_json=True, render_text=True))
        for i in range(0, len(lines), 3):
            yield pb.EvaluateRequest(batch=pb.EventBatch(items=[pb.EventItem(k8s_audit_json=l) for l in lines[i:i + 3]]))

    index = 0
    rules_seen = []
    counts = None
    for response in stub.Evaluate(requests(), timeout=60):
        for result in response.results:
            assert result.index == index, (result.index, index)
            if index == 1:
                assert result.error.startswith("Could not parse data"), result.error
                assert not result.alerts
            for alert in result.alerts:
                assert alert.json_line.startswith('{"output":'), alert.json_line
                assert alert.text_line and alert.output and alert.source == "k8s_audit", alert
                rules_seen.append(alert.rule)
            index += 1
        counts = response.counts
    assert index == len(lines), (index, len(lines))
    assert counts.items_received == len(lines) and counts.items_rejected == 1, counts
    assert counts.alerts == len(rules_seen) and rules_seen, counts

    try:
        list(stub.Evaluate(iter([pb.EvaluateRequest(start=pb.EvaluateStart(rule_set_id="nope"))]), timeout=30))
        raise SystemExit("unknown id accepted")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.NOT_FOUND, error
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    health = health_pb2_grpc.HealthStub(channel)
    for service in ["", "pspctl.v1.Evaluator"]:
        reply = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING, (service, reply)

    from google.protobuf.descriptor_pool import DescriptorPool
    from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
    database = ProtoReflectionDescriptorDatabase(channel)
    services = set(database.get_services())
    assert services == {"pspctl.v1.Evaluator", "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"}, services
    evaluate = DescriptorPool(database).FindServiceByName("pspctl.v1.Evaluator").FindMethodByName("Evaluate")
    assert evaluate.input_type.full_name == "pspctl.v1.EvaluateRequest", evaluate.input_type.full_name
    assert evaluate.output_type.full_name == "pspctl.v1.EvaluateResponse", evaluate.output_type.full_name

    for rule in rules_seen:
        print(rule)
    print("ok")

if __name__ == "__main__":
    main()
