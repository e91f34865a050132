#!/usr/bin/env bash
# Time and memory of `pspctl report` with one policy against six, side by side in one run, on the same
# generated audit log (../shared/bench/gen-audit-log.py). The six: a PSP (examples/psp-no-privileged.yaml),
# baseline and restricted at two versions, and Falco 0.31.1's k8s_audit_rules.yaml; the one: restricted.
# Targets (issue 17): six policies <= 2x the time of one (the checks the pss: policies share are evaluated
# once per request); peak RSS flat in log length. The generated log's pods are bare, each its own workload
# (44k workloads in 200k events), so memory is measured flat on a log of a quarter the size against that
# log repeated four times (the same workloads, four times the events), and per workload on the big log.
#
# Usage: bench/report.sh [EVENTS]     (default 200000)
# Env:   BENCH_DIR (work files, default /tmp/pspctl-bench), BENCH_REPEAT (best of N runs, default 3)
set -euo pipefail

cd "$(dirname "$0")/.."
events=${1:-200000}
# shellcheck source=bench/lib.sh
. bench/lib.sh
[ -x /usr/bin/time ] || { echo "bench/report.sh needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
build_release pspctl
audit_log $((events / 4))
small_log=$log
audit_log "$events"

one=(--policy pss:restricted:v1.30)
six=(--policy psp:examples/psp-no-privileged.yaml --policy pss:baseline:v1.25 --policy pss:baseline:v1.30
     --policy pss:restricted:v1.25 --policy pss:restricted:v1.30 --policy "rules:$rules/k8s_audit_rules.yaml")

# best LOG POLICY…: best wall time (s) of $repeat runs of the default table and its peak RSS (MB, the
# last run's); then one more run writes the report as JSON to $work/report.json (not timed).
best() {
    local file=$1 best_s="" start s
    shift
    for _ in $(seq "$repeat"); do
        start=$(date +%s%N)
        /usr/bin/time -f "%M" -o "$work/rss" "$bin/pspctl" report --audit-log "$file" "$@" >"$work/report.txt" 2>/dev/null
        s=$(elapsed "$start")
        if [ -z "$best_s" ] || is_less "$s" "$best_s"; then best_s=$s; fi
    done
    "$bin/pspctl" report --audit-log "$file" --format json "$@" >"$work/report.json" 2>/dev/null
    echo "$best_s $(awk '{ printf "%.1f", $1 / 1024 }' "$work/rss")"
}

read -r one_s one_mb < <(best "$log" "${one[@]}")
read -r six_s six_mb < <(best "$log" "${six[@]}")
cp "$work/report.json" "$work/six.json"
cat >"$work/report_summary.py" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
policies = ", ".join("%s breaks %d" % (p["id"], p["breaksWorkloads"]) for p in r["policies"])
print(policies, "of", len(r["workloads"]), "workloads,", r["log"]["requests"], "requests")
PY
summary=$(python3 "$work/report_summary.py" "$work/six.json")
read -r _ small_mb < <(best "$small_log" "${six[@]}")
repeated="$work/audit-$((events / 4))x4.jsonl"
[ -s "$repeated" ] || { for _ in 1 2 3 4; do cat "$small_log"; done >"$repeated"; }
read -r _ repeated_mb < <(best "$repeated" "${six[@]}")
small_workloads=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["workloads"]))' "$work/report.json")

ratio=$(ratio "$six_s" "$one_s")
echo
echo "audit log: $events events ($(du -h "$log" | cut -f1)), best of $repeat, $(nproc) cores"
echo "six policies: $summary"
printf '%-34s %10s %14s %12s\n' "policies" "seconds" "events/s" "peak RSS MB"
printf '%-34s %10s %14s %12s\n' "1 (pss:restricted:v1.30)" "$one_s" "$(rate "$one_s")" "$one_mb"
printf '%-34s %10s %14s %12s\n' "6 (psp, 4 pss, Falco's k8s rules)" "$six_s" "$(rate "$six_s")" "$six_mb"
echo
echo "six / one = ${ratio}x   (target <= 2x: $(awk -v v="$ratio" 'BEGIN { print (v <= 2 ? "ok" : "MISSED") }'))"
echo "peak RSS, six policies: $small_mb MB for $((events / 4)) events and $small_workloads workloads; $repeated_mb MB for that log four times ($events events, the same workloads); $six_mb MB for $events events of $(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["workloads"]))' "$work/six.json") workloads"
