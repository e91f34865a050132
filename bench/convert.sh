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
work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

echo "building ConverterService (release)…" >&2
swift build -c release --product ConverterService >&2
bin="$(swift build -c release --show-bin-path)"

"$bin/ConverterService" --listen 127.0.0.1:0 --log-level info 2>"$work/converter.log" &
server=$!
for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/converter.log" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "${port:-}" ] || { echo "ConverterService did not start:" >&2; cat "$work/converter.log" >&2; exit 2; }

echo "Convert of examples/psp-no-privileged.yaml on 127.0.0.1:$port, $(nproc) cores"
printf '%-22s %8s %12s %10s %10s\n' "clients" "calls" "calls/s" "p50 ms" "p99 ms"
for clients in 1 8; do
    python3 bench/convert/load.py protos "127.0.0.1:$port" examples/psp-no-privileged.yaml "$calls" "$clients"
done
