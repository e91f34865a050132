#!/usr/bin/env bash
# Throughput and memory of `pspctl watch` (Falco's k8s_audit_rules.yaml, default text alerts) side by side with
#   jq      selecting privileged pod creates (a one-condition filter), and
#   orjson  a Python loop that only parses each line,
# on the same generated audit logs, each pinned to one core.
# Targets (issue 4): pspctl >= 5x jq, >= 1.5x orjson, peak RSS flat between a 50k and a 200k log.
#
# Usage: bench/run.sh [EVENTS]        (default 200000; a log of a quarter the size is used for the RSS check)
# Env:   BENCH_DIR (work files, default /tmp/pspctl-bench), BENCH_REPEAT (best of N runs, default 3)
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
events=${1:-200000}
small=$((events / 4))
work=${BENCH_DIR:-/tmp/pspctl-bench}
repeat=${BENCH_REPEAT:-3}
rules=../shared/fixtures/falco-0.31.1/rules/k8s_audit_rules.yaml
generator=../shared/bench/gen-audit-log.py
jq_filter='select(.objectRef.resource=="pods" and .verb=="create" and ([.requestObject.spec.containers[]?.securityContext.privileged]|any))'
mkdir -p "$work"

# --- tools ------------------------------------------------------------------------------------------
apt_install() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null
}
[ -x /usr/bin/time ] || apt_install time
command -v jq >/dev/null || apt_install jq
python3 -c 'import orjson' 2>/dev/null || python3 -m pip install --quiet orjson
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)

echo "building pspctl (release)…" >&2
swift build -c release --product pspctl >&2
pspctl="$(swift build -c release --show-bin-path)/pspctl"

cat >"$work/orjson_loop.py" <<'EOF'
import sys, orjson
count = 0
with open(sys.argv[1], "rb") as log:
    for line in log:
        orjson.loads(line)
        count += 1
print(count)
EOF

# --- data -------------------------------------------------------------------------------------------
log_for() {
    local n=$1 file="$work/audit-$1.jsonl"
    if [ ! -s "$file" ]; then
        echo "generating $n events…" >&2
        python3 "$generator" "$n" >"$file.tmp" && mv "$file.tmp" "$file"
    fi
    echo "$file"
}
big_log=$(log_for "$events")
small_log=$(log_for "$small")

# --- measurement ------------------------------------------------------------------------------------
# run NAME LOG CMD…: best wall time of $repeat runs (seconds) and the peak RSS of that run (KiB), with
# the command's stdout discarded (alerts / selected objects are counted once separately).
best_seconds="" best_rss=""
run() {
    local log=$1; shift
    best_seconds="" best_rss=""
    for _ in $(seq "$repeat"); do
        local start end secs rss
        start=$(date +%s%N)
        /usr/bin/time -f '%M' -o "$work/rss" "${pin[@]}" "$@" "$log" >/dev/null
        end=$(date +%s%N)
        secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        rss=$(tail -n 1 "$work/rss")
        if [ -z "$best_seconds" ] || awk -v s="$secs" -v b="$best_seconds" 'BEGIN { exit !(s < b) }'; then
            best_seconds=$secs best_rss=$rss
        fi
    done
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

run "$big_log" "$pspctl" watch --rules "$rules" --audit-log
pspctl_s=$best_seconds pspctl_rss_big=$best_rss
run "$big_log" jq -c "$jq_filter"
jq_s=$best_seconds
run "$big_log" python3 "$work/orjson_loop.py"
orjson_s=$best_seconds
run "$small_log" "$pspctl" watch --rules "$rules" --audit-log
pspctl_rss_small=$best_rss

alerts=$("$pspctl" watch --rules "$rules" --audit-log "$big_log" 2>/dev/null | wc -l)
selected=$(jq -c "$jq_filter" "$big_log" | wc -l)

pspctl_rate=$(rate "$events" "$pspctl_s")
jq_rate=$(rate "$events" "$jq_s")
orjson_rate=$(rate "$events" "$orjson_s")
vs_jq=$(awk -v a="$jq_s" -v b="$pspctl_s" 'BEGIN { printf "%.2f", a / b }')
vs_orjson=$(awk -v a="$orjson_s" -v b="$pspctl_s" 'BEGIN { printf "%.2f", a / b }')
rss_growth=$(awk -v a="$pspctl_rss_big" -v b="$pspctl_rss_small" 'BEGIN { printf "%.2f", a / b }')
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t ? "ok" : "MISSED") }'; }

echo
echo "audit log: $events events ($(du -h "$big_log" | cut -f1)), best of $repeat runs${pin:+, pinned to CPU 0}"
printf '%-54s %10s %14s\n' "tool" "seconds" "events/s"
printf '%-54s %10s %14s\n' "pspctl watch (k8s_audit_rules.yaml, $alerts alerts)" "$pspctl_s" "$pspctl_rate"
printf '%-54s %10s %14s\n' "jq privileged-pod filter ($selected selected)" "$jq_s" "$jq_rate"
printf '%-54s %10s %14s\n' "python3 orjson.loads loop" "$orjson_s" "$orjson_rate"
echo
echo "pspctl / jq      = ${vs_jq}x   (target >= 5x: $(verdict "$vs_jq" 5))"
echo "pspctl / orjson  = ${vs_orjson}x   (target >= 1.5x: $(verdict "$vs_orjson" 1.5))"
echo "pspctl peak RSS  = ${pspctl_rss_small} KiB for $small events, ${pspctl_rss_big} KiB for $events events" \
     "(x${rss_growth}; target flat <= 1.2: $(awk -v g="$rss_growth" 'BEGIN { print (g <= 1.2 ? "ok" : "MISSED") }'))"
