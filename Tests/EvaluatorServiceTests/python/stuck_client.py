#!/usr/bin/env python3
"""An Evaluate client that stops reading: Python grpcio with BDP probing off, so the connection's
flow-control window stays at 64 KiB and the server's answers back up until its handler blocks.

Usage: stuck_client.py PROTOS_DIR PORT RULES_FILE
Loads RULES_FILE, opens an Evaluate stream, sends its start and 40 batches of 500 events (their answers,
with text and JSON alerts, are far larger than the window), prints "stuck" once the first batches are
out, and reads nothing until a line arrives on stdin. Then it reads to the end and prints the final
status as JSON: {"code": ..., "details": ..., "responses": N}.
"""
import json, os, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluator_stubs


def main():
    protos, port, rules_path = sys.argv[1:4]
    pb, rpc = evaluator_stubs.load(protos)
    import grpc

    channel = grpc.insecure_channel("127.0.0.1:" + port, options=[("grpc.http2.bdp_probe", 0)])
    stub = rpc.EvaluatorStub(channel)
    with open(rules_path) as f:
        rules = f.read()
    loaded = stub.LoadRuleSet(pb.LoadRuleSetRequest(
        files=pb.RulesFiles(files=[pb.RulesFile(name="users.yaml", yaml=rules)])), timeout=60)

    sent = threading.Event()

    def requests():
        yield pb.EvaluateRequest(start=pb.EvaluateStart(rule_set_id=loaded.id, render_text=True, render_json=True))
        for b in range(40):
            yield pb.EvaluateRequest(batch=pb.EventBatch(items=[pb.EventItem(k8s_audit_json=(
                '{"kind":"Event","stageTimestamp":"2024-01-01T00:00:%02dZ","verb":"get","user":{"username":"user%d"},'
                '"objectRef":{"resource":"pods","name":"pod-%d"}}' % (b % 60, i % 16, i)).encode()) for i in range(500)]))
            if b == 2:
                sent.set()

    responses = stub.Evaluate(requests(), timeout=120)
    sent.wait(timeout=60)
    time.sleep(0.5)
    print("stuck", flush=True)
    sys.stdin.readline()
    count = 0
    try:
        for _ in responses:
            count += 1
        code, details = "OK", ""
    except grpc.RpcError as e:
        code, details = e.code().name, e.details()
    print(json.dumps({"code": code, "details": details, "responses": count}), flush=True)


if __name__ == "__main__":
    main()
