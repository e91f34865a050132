#!/usr/bin/env python3
"""A bounded flood of Evaluate streams from Python grpcio, all open at once.

Usage: flood_client.py PROTOS_DIR PORT RULES_FILE STREAMS BATCHES ITEMS
Loads RULES_FILE (rule "User N" alerts on user N), then opens STREAMS Evaluate streams over four
connections. Each sends its start and a first batch; a stream the server admits holds open until every
stream has been either answered or refused, so all are open at the same time; then the admitted ones
send BATCHES-1 more batches of ITEMS events of their own user, half-close and check every answer (the
right rule on every item, input order, the counts). Prints one JSON object: accepted, refused, the
refusal codes and messages, and the errors found (an empty list when every admitted stream was right).
"""
import json, os, queue, sys, threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluator_stubs


def main():
    protos, port, rules_path, streams, batches, items = sys.argv[1:7]
    streams, batches, items = int(streams), int(batches), int(items)
    pb, rpc = evaluator_stubs.load(protos)
    import grpc

    # Separate connections (a local subchannel pool each), so the flood is not one HTTP/2 connection.
    channels = [grpc.insecure_channel("127.0.0.1:" + port, options=[("grpc.use_local_subchannel_pool", 1)])
                for _ in range(4)]
    stubs = [rpc.EvaluatorStub(c) for c in channels]
    with open(rules_path) as f:
        rules = f.read()
    loaded = stubs[0].LoadRuleSet(pb.LoadRuleSetRequest(
        files=pb.RulesFiles(files=[pb.RulesFile(name="users.yaml", yaml=rules)])), timeout=60)

    def event(user, i):
        return ('{"kind":"Event","stageTimestamp":"2024-01-01T00:00:%02dZ","verb":"get",'
                '"user":{"username":"user%d"},"objectRef":{"resource":"pods","name":"pod-%d"}}'
                % (i % 60, user, i)).encode()

    def batch(user, b):
        return pb.EvaluateRequest(batch=pb.EventBatch(items=[
            pb.EventItem(k8s_audit_json=event(user, b * items + i)) for i in range(items)]))

    lock = threading.Lock()
    decided = threading.Semaphore(0)
    go = threading.Event()
    state = {"accepted": 0, "refused": 0, "codes": {}, "messages": {}, "errors": []}

    def run(n):
        user = n % 16
        requests = queue.Queue()
        requests.put(pb.EvaluateRequest(start=pb.EvaluateStart(rule_set_id=loaded.id, render_text=True)))
        requests.put(batch(user, 0))

        def feed():
            while True:
                r = requests.get()
                if r is None:
                    return
                yield r

        answered_first = False
        index = 0
        last = None
        try:
            for response in stubs[n % 4].Evaluate(feed(), timeout=300):
                for result in response.results:
                    if result.index != index or [a.rule for a in result.alerts] != ["User %d" % user]:
                        with lock:
                            state["errors"].append("stream %d item %d: %s" % (n, index, result))
                    index += 1
                if not answered_first:
                    answered_first = True
                    with lock:
                        state["accepted"] += 1
                    decided.release()
                    go.wait()
                    for b in range(1, batches):
                        requests.put(batch(user, b))
                    requests.put(None)
                last = response.counts
            if last is None or index != batches * items or last.items_received != batches * items or last.alerts != batches * items:
                with lock:
                    state["errors"].append("stream %d: %d items answered, counts %s" % (n, index, last))
        except grpc.RpcError as e:
            requests.put(None)
            with lock:
                if answered_first:
                    state["errors"].append("stream %d failed after being admitted: %s %s" % (n, e.code(), e.details()))
                else:
                    state["refused"] += 1
                    code = e.code().name
                    state["codes"][code] = state["codes"].get(code, 0) + 1
                    state["messages"][e.details()] = state["messages"].get(e.details(), 0) + 1
            if not answered_first:
                decided.release()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(streams)]
    for t in threads:
        t.start()
    for _ in range(streams):
        if not decided.acquire(timeout=240):
            state["errors"].append("not every stream was answered or refused in time")
            break
    go.set()
    for t in threads:
        t.join(timeout=300)
    print(json.dumps(state, sort_keys=True))


if __name__ == "__main__":
    main()
