#!/usr/bin/env bash
# Scale-out of `pspctl watch --evaluator` (issue 15): embedded `pspctl watch`, `--evaluator` with one
# EvaluatorService, with two (two processes, two --evaluator flags), and with one using every core, side
# by side in one run: Falco 0.31.1's falco_rules.yaml + k8s_audit_rules.yaml, --output json, the same
# generated audit log (../shared/bench/gen-audit-log.py). Prints events/s, the ratios, and checks that
# the four outputs are identical. Target (issue 15): two backends >= 1.5x one backend.
#
# The backends of the scale-out modes run with --workers 1: one core each, as replicas with a 1-CPU limit
# (what the HorizontalPodAutoscaler adds). On a 2-core machine a single backend with the default
# --workers (every core) already uses both, so "one backend, every core" is printed beside them too.
#
# Usage: bench/scaleout.sh [EVENTS]     (default 200000)
# Env:   BENCH_DIR (work files, default /tmp/pspctl-bench), BENCH_REPEAT (best of N runs, default 3)
set -euo pipefail

cd "$(dirname "$0")/.."
events=${1:-200000}
# shellcheck source=bench/lib.sh
. bench/lib.sh
build_release pspctl EvaluatorService
audit_log "$events"
start_service EvaluatorService a --workers 1; port_a=$port
start_service EvaluatorService b --workers 1; port_b=$port
start_service EvaluatorService c; port_c=$port

watch=("$bin/pspctl" watch --rules "$rules/falco_rules.yaml" --rules "$rules/k8s_audit_rules.yaml" --output json --audit-log "$log")

# Best wall time (s) of each mode over $repeat rounds, the modes interleaved within a round so that
# the other load on the machine falls on all of them alike.
modes=(embedded one two wide)
declare -A best
run_mode() {
    case $1 in
        embedded) "${watch[@]}" ;;
        one) "${watch[@]}" --evaluator "127.0.0.1:$port_a" ;;
        two) "${watch[@]}" --evaluator "127.0.0.1:$port_a" --evaluator "127.0.0.1:$port_b" ;;
        wide) "${watch[@]}" --evaluator "127.0.0.1:$port_c" ;;
    esac
}
# One untimed run each: the backends load and cache the rule set (as a long-running service has it).
for mode in "${modes[@]}"; do run_mode "$mode" >"$work/$mode.out" 2>"$work/$mode.err"; done
for _ in $(seq "$repeat"); do
    for mode in "${modes[@]}"; do
        start=$(date +%s%N)
        run_mode "$mode" >"$work/$mode.out" 2>"$work/$mode.err"
        s=$(elapsed "$start")
        if [ -z "${best[$mode]:-}" ] || is_less "$s" "${best[$mode]}"; then best[$mode]=$s; fi
    done
done

same=identical
for mode in one two wide; do
    cmp -s "$work/$mode.out" "$work/embedded.out" && cmp -s "$work/$mode.err" "$work/embedded.err" || same=DIFFERENT
done
alerts=$(wc -l <"$work/embedded.out")

two_one=$(ratio "${best[one]}" "${best[two]}")
echo
echo "audit log: $events events ($(du -h "$log" | cut -f1)), Falco's two rules files, --output json, $alerts alerts, best of $repeat, $(nproc) cores"
printf '%-56s %10s %14s\n' "mode" "seconds" "events/s"
printf '%-56s %10s %14s\n' "pspctl watch (embedded)" "${best[embedded]}" "$(rate "${best[embedded]}")"
printf '%-56s %10s %14s\n' "pspctl watch --evaluator (1 backend, 1 core)" "${best[one]}" "$(rate "${best[one]}")"
printf '%-56s %10s %14s\n' "pspctl watch --evaluator ×2 (2 backends, 1 core each)" "${best[two]}" "$(rate "${best[two]}")"
printf '%-56s %10s %14s\n' "pspctl watch --evaluator (1 backend, every core)" "${best[wide]}" "$(rate "${best[wide]}")"
echo
echo "1 backend / embedded = $(ratio "${best[embedded]}" "${best[one]}")x"
echo "2 backends / embedded = $(ratio "${best[embedded]}" "${best[two]}")x"
echo "1 backend on every core / 1 backend on 1 core = $(ratio "${best[one]}" "${best[wide]}")x"
echo "2 backends / 1 backend = ${two_one}x   (target >= 1.5x: $(awk -v v="$two_one" 'BEGIN { print (v >= 1.5 ? "ok" : "MISSED") }'))"
echo "stdout and stderr of the four modes: $same"
[ "$same" = identical ]
