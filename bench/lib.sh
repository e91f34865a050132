# Shared by the benchmarks that run pspctl's services (source it after `cd` to the package root):
# release builds, the generated audit log, services on free loopback ports stopped on exit, and the
# figures' arithmetic. Sets: work, repeat, rules.

work=${BENCH_DIR:-/tmp/pspctl-bench}
repeat=${BENCH_REPEAT:-3}
rules=../shared/fixtures/falco-0.31.1/rules
mkdir -p "$work"

# build_release PRODUCT…: release builds; sets $bin, where they are.
build_release() {
    echo "building $* (release)…" >&2
    local product
    for product in "$@"; do swift build -c release --product "$product" >&2; done
    bin="$(swift build -c release --show-bin-path)"
}

# audit_log EVENTS: the generated audit log of EVENTS events (made once, kept in $work); sets $log.
audit_log() {
    log="$work/audit-$1.jsonl"
    if [ ! -s "$log" ]; then
        echo "generating $1 events…" >&2
        python3 ../shared/bench/gen-audit-log.py "$1" >"$log.tmp" && mv "$log.tmp" "$log"
    fi
}

servers=()
trap 'for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT

# start_service PRODUCT NAME [OPTION…]: a release service on a free loopback port, its log in
# $work/NAME.log, stopped on exit; sets $port.
start_service() {
    local product=$1 name=$2
    shift 2
    "$bin/$product" --listen 127.0.0.1:0 --log-level info "$@" 2>"$work/$name.log" &
    servers+=($!)
    port=""
    for _ in $(seq 100); do
        port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/$name.log" | head -n 1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "$product did not start:" >&2; cat "$work/$name.log" >&2; exit 2; }
}

# elapsed START_NS: seconds since START_NS (from `date +%s%N`), 3 decimals.
elapsed() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
# is_less A B: A < B as numbers.
is_less() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
# rate SECONDS: $events per second.
rate() { awk -v n="$events" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
