#!/usr/bin/env python3
"""Rule-set calls of the Evaluator with grpcio (stubs generated from protos/ at run time).

Usage: ruleset_client.py PROTOS_DIR PORT load RULES_FILE…   prints the loaded set's id
       ruleset_client.py PROTOS_DIR PORT delete ID          prints "deleted", "absent" or the status code
       ruleset_client.py PROTOS_DIR PORT list               prints the ids held, one per line
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluator_stubs

def main():
    protos, port, command = sys.argv[1:4]
    pb, rpc = evaluator_stubs.load(protos)
    import grpc

    stub = rpc.EvaluatorStub(grpc.insecure_channel("127.0.0.1:" + port))
    if command == "load":
        files = []
        for path in sys.argv[4:]:
            with open(path) as f:
                files.append(pb.RulesFile(name=os.path.basename(path), yaml=f.read()))
        print(stub.LoadRuleSet(pb.LoadRuleSetRequest(files=pb.RulesFiles(files=files)), timeout=60).id)
    elif command == "delete":
        try:
            deleted = stub.DeleteRuleSet(pb.DeleteRuleSetRequest(id=sys.argv[4]), timeout=30).deleted
            print("deleted" if deleted else "absent")
        except grpc.RpcError as error:
            print(error.code().name, error.details())
    elif command == "list":
        for summary in stub.ListRuleSets(pb.ListRuleSetsRequest(), timeout=30).rule_sets:
            print(summary.id)
    else:
        raise SystemExit("unknown command " + command)

main()
