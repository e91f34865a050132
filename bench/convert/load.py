"""Convert calls/s and latency percentiles against a running ConverterService (bench/convert.sh).

Usage: load.py PROTOS_DIR ADDRESS PSP_PATH CALLS CLIENTS
Each client is its own process with its own channel (no GIL between them) and makes CALLS/CLIENTS
Convert calls one after another after one warm-up call; prints calls/s and p50/p99 latency in ms.
"""
import importlib
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time

import grpc
import grpc_tools


def generate(protos, out):
    files = []
    for root, _, names in os.walk(protos):
        files += [os.path.relpath(os.path.join(root, n), protos) for n in names if n.endswith(".proto")]
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I" + protos, "-I" + include,
                    "--python_out=" + out, "--grpc_python_out=" + out] + sorted(files), check=True)


def client(args):
    stubs, address, psp, calls = args
    sys.path.insert(0, stubs)
    converter_pb2 = importlib.import_module("pspctl.v1.converter_pb2")
    converter_grpc = importlib.import_module("pspctl.v1.converter_pb2_grpc")
    request = converter_pb2.ConvertRequest(psp=converter_pb2.PodSecurityPolicy(yaml=psp, display_name="psp.yaml"))
    latencies = []
    with grpc.insecure_channel(address) as channel:
        stub = converter_grpc.ConverterStub(channel)
        stub.Convert(request, timeout=30)
        for _ in range(calls):
            start = time.perf_counter()
            stub.Convert(request, timeout=30)
            latencies.append(time.perf_counter() - start)
    return latencies


def main(protos, address, psp_path, calls, clients):
    stubs = tempfile.mkdtemp(prefix="pspctl-bench-stubs-")
    generate(protos, stubs)
    with open(psp_path, encoding="utf-8") as f:
        psp = f.read()
    per_client = max(1, calls // clients)
    with multiprocessing.Pool(clients) as pool:
        start = time.perf_counter()
        results = pool.map(client, [(stubs, address, psp, per_client)] * clients)
        elapsed = time.perf_counter() - start
    latencies = sorted(l for r in results for l in r)
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    print("%-22s %8d %12.0f %10.2f %10.2f" % ("%d client%s" % (clients, "" if clients == 1 else "s"),
                                             len(latencies), len(latencies) / elapsed, p50, p99))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
