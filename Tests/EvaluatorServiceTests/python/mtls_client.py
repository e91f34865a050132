#!/usr/bin/env python3
"""An independent Evaluator client over mutual TLS: grpcio (its own TLS stack), stubs generated from
protos/ at run time.

Usage: mtls_client.py PROTOS_DIR PORT CA_PEM CLIENT_PEM CLIENT_KEY RULES_FILE AUDIT_LOG
Checks health (SERVING) with the client certificate, loads RULES_FILE, evaluates AUDIT_LOG's lines and
prints the rule of every alert, one a line; then checks that the same service refuses a channel without a
client certificate (UNAVAILABLE) and prints "ok".
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluator_stubs


def main():
    protos, port, ca_path, cert_path, key_path, rules_path, log_path = sys.argv[1:8]
    pb, rpc = evaluator_stubs.load(protos)
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    target = "127.0.0.1:" + port
    credentials = grpc.ssl_channel_credentials(root_certificates=read(ca_path), private_key=read(key_path),
                                               certificate_chain=read(cert_path))
    channel = grpc.secure_channel(target, credentials)
    health = health_pb2_grpc.HealthStub(channel)
    reply = health.Check(health_pb2.HealthCheckRequest(service="pspctl.v1.Evaluator"), timeout=20)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING, reply

    stub = rpc.EvaluatorStub(channel)
    rules = read(rules_path).decode()
    loaded = stub.LoadRuleSet(pb.LoadRuleSetRequest(files=pb.RulesFiles(files=[pb.RulesFile(name=rules_path, yaml=rules)])),
                              timeout=60)
    lines = [line.rstrip(b"\n") for line in read(log_path).splitlines() if line.strip()]

    def requests():
        yield pb.EvaluateRequest(start=pb.EvaluateStart(rule_set_id=loaded.id, render_json=True))
        yield pb.EvaluateRequest(batch=pb.EventBatch(items=[pb.EventItem(k8s_audit_json=l) for l in lines]))

    rules_seen = []
    for response in stub.Evaluate(requests(), timeout=60):
        for result in response.results:
            assert not result.error, result.error
            rules_seen.extend(alert.rule for alert in result.alerts)
    channel.close()

    # The same service, without a client certificate: refused.
    anonymous = grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates=read(ca_path)))
    try:
        health_pb2_grpc.HealthStub(anonymous).Check(health_pb2.HealthCheckRequest(), timeout=20)
        raise SystemExit("a channel without a client certificate was accepted")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.UNAVAILABLE, error
    anonymous.close()

    for rule in rules_seen:
        print(rule)
    print("ok")


if __name__ == "__main__":
    main()
