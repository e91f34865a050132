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
# shellcheck source=bench/lib.sh
. bench/lib.sh
build_release pspctl EvaluatorService
audit_log "$events"
start_service EvaluatorService evaluator

watch=("$bin/pspctl" watch --rules "$rules/k8s_audit_rules.yaml" --rules "$rules/falco_rules.yaml" --output json --audit-log "$log")

best() {   # best wall time (s) of $repeat runs of "$@", stdout to $work/out
    local best_s="" start s
    for _ in $(seq "$repeat"); do
        start=$(date +%s%N)
        "$@" >"$work/out" 2>/dev/null
        s=$(elapsed "$start")
        if [ -z "$best_s" ] || is_less "$s" "$best_s"; then best_s=$s; fi
    done
    echo "$best_s"
}

embedded_s=$(best "${watch[@]}")
cp "$work/out" "$work/embedded.out"
remote_s=$(best "${watch[@]}" --evaluator "127.0.0.1:$port")
cmp -s "$work/out" "$work/embedded.out" && same=identical || same=DIFFERENT
alerts=$(wc -l <"$work/embedded.out")

ratio=$(ratio "$embedded_s" "$remote_s")
echo
echo "audit log: $events events ($(du -h "$log" | cut -f1)), Falco's two rules files, --output json, $alerts alerts, best of $repeat, $(nproc) cores"
printf '%-40s %10s %14s\n' "mode" "seconds" "events/s"
printf '%-40s %10s %14s\n' "pspctl watch (embedded)" "$embedded_s" "$(rate "$embedded_s")"
printf '%-40s %10s %14s\n' "pspctl watch --evaluator (loopback)" "$remote_s" "$(rate "$remote_s")"
echo
echo "remote / embedded = ${ratio}x   (target >= 0.8x: $(awk -v v="$ratio" 'BEGIN { print (v >= 0.8 ? "ok" : "MISSED") }')); alerts $same"
