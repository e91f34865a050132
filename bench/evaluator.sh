#!/usr/bin/env bash
# Throughput of `pspctl watch --evaluator` (a local EvaluatorService) against embedded `pspctl watch`,
# side by side in one run: Falco 0.31.1's k8s_audit_rules.yaml + falco_rules.yaml, --output json, the
# same generated audit log (../shared/bench/gen-audit-log.py). Target (issue 14): remote >= 0.8x embedded.
#
# Usage: bench/evaluator.sh [EVENTS]     (default 200000)
# Env:   BENCH_DIR (work files, default /tmp/pspctl-bench), BENCH_REPEAT (best of N runs, default 3)
set -euo pipefail

cd "$(dirname "$0")/.."
events=${1:-200000}
work=${BENCH_DIR:-/tmp/pspctl-bench}
repeat=${BENCH_REPEAT:-3}
rules=../shared/fixtures/falco-0.31.1/rules
mkdir -p "$work"

echo "building pspctl and EvaluatorService (release)…" >&2
swift build -c release --product pspctl >&2
swift build -c release --product EvaluatorService >&2
bin="$(swift build -c release --show-bin-path)"

log="$work/audit-$events.jsonl"
if [ ! -s "$log" ]; then
    echo "generating $events events…" >&2
    python3 ../shared/bench/gen-audit-log.py "$events" >"$log.tmp" && mv "$log.tmp" "$log"
fi

"$bin/EvaluatorService" --listen 127.0.0.1:0 --log-level info 2>"$work/evaluator.log" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/evaluator.log" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "${port:-}" ] || { echo "EvaluatorService did not start:" >&2; cat "$work/evaluator.log" >&2; exit 2; }

watch=("$bin/pspctl" watch --rules "$rules/k8s_audit_rules.yaml" --rules "$rules/falco_rules.yaml" --output json --audit-log "$log")

best() {   # best wall time (s) of $repeat runs of "$@", stdout to $work/out
    local best_s=""
    for _ in $(seq "$repeat"); do
        local start end s
        start=$(date +%s%N)
        "$@" >"$work/out" 2>/dev/null
        end=$(date +%s%N)
        s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        if [ -z "$best_s" ] || awk -v s="$s" -v b="$best_s" 'BEGIN { exit !(s < b) }'; then best_s=$s; fi
    done
    echo "$best_s"
}

embedded_s=$(best "${watch[@]}")
cp "$work/out" "$work/embedded.out"
remote_s=$(best "${watch[@]}" --evaluator "127.0.0.1:$port")
cmp -s "$work/out" "$work/embedded.out" && same=identical || same=DIFFERENT
alerts=$(wc -l <"$work/embedded.out")

rate() { awk -v n="$events" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
ratio=$(awk -v e="$embedded_s" -v r="$remote_s" 'BEGIN { printf "%.2f", e / r }')
echo
echo "audit log: $events events ($(du -h "$log" | cut -f1)), Falco's two rules files, --output json, $alerts alerts, best of $repeat, $(nproc) cores"
printf '%-40s %10s %14s\n' "mode" "seconds" "events/s"
printf '%-40s %10s %14s\n' "pspctl watch (embedded)" "$embedded_s" "$(rate "$embedded_s")"
printf '%-40s %10s %14s\n' "pspctl watch --evaluator (loopback)" "$remote_s" "$(rate "$remote_s")"
echo
echo "remote / embedded = ${ratio}x   (target >= 0.8x: $(awk -v v="$ratio" 'BEGIN { print (v >= 0.8 ? "ok" : "MISSED") }')); alerts $same"
