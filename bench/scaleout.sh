#!/usr/bin/env bash
# Scale-out of `pspctl watch --evaluator` (issue 15): embedded `pspctl watch`, `--evaluator` with one
# EvaluatorService, and with two (two processes, two --evaluator flags), side by side in one run: Falco
# 0.31.1's falco_rules.yaml + k8s_audit_rules.yaml, --output json, the same generated audit log
# (../shared/bench/gen-audit-log.py). Prints events/s, the ratios, and checks that the three outputs are
# identical. Target (issue 15): two backends >= 1.5x one backend.
#
# Usage: bench/scaleout.sh [EVENTS]     (default 200000)
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

servers=()
trap 'for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT
start_evaluator() {   # starts an EvaluatorService on a free loopback port; sets $port
    local name=$1
    "$bin/EvaluatorService" --listen 127.0.0.1:0 --log-level info 2>"$work/$name.log" &
    servers+=($!)
    port=""
    for _ in $(seq 100); do
        port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/$name.log" | head -n 1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "EvaluatorService did not start:" >&2; cat "$work/$name.log" >&2; exit 2; }
}
start_evaluator a; port_a=$port
start_evaluator b; port_b=$port

watch=("$bin/pspctl" watch --rules "$rules/falco_rules.yaml" --rules "$rules/k8s_audit_rules.yaml" --output json --audit-log "$log")

# Best wall time (s) of each mode over $repeat rounds, the modes interleaved within a round so that
# the other load on the machine falls on all of them alike.
modes=(embedded one two)
declare -A best
run_mode() {
    case $1 in
        embedded) "${watch[@]}" ;;
        one) "${watch[@]}" --evaluator "127.0.0.1:$port_a" ;;
        two) "${watch[@]}" --evaluator "127.0.0.1:$port_a" --evaluator "127.0.0.1:$port_b" ;;
    esac
}
# One untimed run each: the backends load and cache the rule set (as a long-running service has it).
for mode in "${modes[@]}"; do run_mode "$mode" >"$work/$mode.out" 2>"$work/$mode.err"; done
for _ in $(seq "$repeat"); do
    for mode in "${modes[@]}"; do
        start=$(date +%s%N)
        run_mode "$mode" >"$work/$mode.out" 2>"$work/$mode.err"
        end=$(date +%s%N)
        s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        if [ -z "${best[$mode]:-}" ] || awk -v s="$s" -v b="${best[$mode]}" 'BEGIN { exit !(s < b) }'; then best[$mode]=$s; fi
    done
done

same=identical
for mode in one two; do
    cmp -s "$work/$mode.out" "$work/embedded.out" && cmp -s "$work/$mode.err" "$work/embedded.err" || same=DIFFERENT
done
alerts=$(wc -l <"$work/embedded.out")

rate() { awk -v n="$events" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
two_one=$(ratio "${best[one]}" "${best[two]}")
echo
echo "audit log: $events events ($(du -h "$log" | cut -f1)), Falco's two rules files, --output json, $alerts alerts, best of $repeat, $(nproc) cores"
printf '%-48s %10s %14s\n' "mode" "seconds" "events/s"
printf '%-48s %10s %14s\n' "pspctl watch (embedded)" "${best[embedded]}" "$(rate "${best[embedded]}")"
printf '%-48s %10s %14s\n' "pspctl watch --evaluator (1 backend)" "${best[one]}" "$(rate "${best[one]}")"
printf '%-48s %10s %14s\n' "pspctl watch --evaluator ×2 (2 backends)" "${best[two]}" "$(rate "${best[two]}")"
echo
echo "1 backend / embedded = $(ratio "${best[embedded]}" "${best[one]}")x"
echo "2 backends / embedded = $(ratio "${best[embedded]}" "${best[two]}")x"
echo "2 backends / 1 backend = ${two_one}x   (target >= 1.5x: $(awk -v v="$two_one" 'BEGIN { print (v >= 1.5 ? "ok" : "MISSED") }'))"
echo "stdout and stderr of the three modes: $same"
[ "$same" = identical ]
