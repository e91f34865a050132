#!/usr/bin/env python3
"""An independent Evaluator client for sensor events: grpcio with stubs generated from protos/ at run time.

Usage: sensor_client.py PROTOS_DIR PORT RULES_FILE EVENTS_FILE
Loads RULES_FILE with LoadRuleSet, streams EVENTS_FILE's lines as EventItem.sensor_event (plus a bad
event after the first) in batches of 4 through Evaluate, checks the results and the bad event's error,
prints each alert's json_line (one a line), then "ok".
"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluator_stubs

BAD = b'{"evt.type":"open","evt.dir":"<","evt.rawtime":1,"fd.ip":"10.0.0.1"}'

def main():
    protos, port, rules_path, events_path = sys.argv[1:5]
    pb, rpc = evaluator_stubs.load(protos)
    import grpc

    stub = rpc.EvaluatorStub(grpc.insecure_channel("127.0.0.1:" + port))
    with open(rules_path) as f:
        loaded = stub.LoadRuleSet(pb.LoadRuleSetRequest(files=pb.RulesFiles(files=[pb.RulesFile(name=rules_path, yaml=f.read())])), timeout=60)
    assert loaded.no_syscall_rules_warning == "", loaded.no_syscall_rules_warning
    with open(events_path, "rb") as f:
        events = [line.rstrip(b"\n") for line in f if line.strip()]
    items = events[:1] + [BAD] + events[1:]

    def requests():
        yield pb.EvaluateRequest(start=pb.EvaluateStart(rule_set_id=loaded.id, render_json=True))
        for i in range(0, len(items), 4):
            yield pb.EvaluateRequest(batch=pb.EventBatch(items=[pb.EventItem(sensor_event=e) for e in items[i:i + 4]]))

    index = 0
    lines = []
    counts = None
    for response in stub.Evaluate(requests(), timeout=60):
        for result in response.results:
            assert result.index == index, (result.index, index)
            if index == 1:
                assert result.error == "sensor event: field fd.ip is computed and cannot be supplied", result.error
                assert result.events == 0 and not result.alerts, result
            else:
                assert result.error == "" and result.events == 1, result
            for alert in result.alerts:
                assert alert.source == "syscall" and alert.time.endswith("Z"), alert
                parsed = json.loads(alert.json_line)
                assert parsed["rule"] == alert.rule and parsed["output"] == alert.output, alert
                assert [f.key for f in alert.output_fields] == sorted(parsed["output_fields"]), alert
                for field in alert.output_fields:
                    assert field.is_null == (parsed["output_fields"][field.key] is None), field
                lines.append(alert.json_line)
            index += 1
        counts = response.counts
    assert index == len(items), (index, len(items))
    assert counts.items_received == len(items) and counts.items_rejected == 1, counts
    assert counts.events_evaluated == len(events) and counts.alerts == len(lines), counts
    for line in lines:
        print(line)
    print("ok")

if __name__ == "__main__":
    main()
