#!/usr/bin/env bash
# Convert calls/s and p50/p99 latency of a local ConverterService (release build), for one client and
# for 8 concurrent clients, side by side in one run. The clients are Python grpcio processes with stubs
# generated from protos/ (an independent client, as any user's would be); each call converts
# examples/psp-no-privileged.yaml. Issue 14's bench item.
#
# Usage: bench/convert.sh [CALLS]     (default 2000 per configuration)
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-2000}
# shellcheck source=bench/lib.sh
. bench/lib.sh
build_release ConverterService
start_service ConverterService converter

echo "Convert of examples/psp-no-privileged.yaml on 127.0.0.1:$port, $(nproc) cores"
printf '%-22s %8s %12s %10s %10s\n' "clients" "calls" "calls/s" "p50 ms" "p99 ms"
for clients in 1 8; do
    python3 bench/convert/load.py protos "127.0.0.1:$port" examples/psp-no-privileged.yaml "$calls" "$clients"
done
