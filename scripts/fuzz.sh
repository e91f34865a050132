#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, with AddressSanitizer) and runs one, or all in turn, for a time.
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer options…]   e.g. scripts/fuzz.sh FuzzCondition 60
#   scripts/fuzz.sh all SECONDS                           every target, one after the other
#   scripts/fuzz.sh list                                  the target names
#
# TARGET: FuzzAuditJSON FuzzCondition FuzzRulesLoader FuzzPSP FuzzSensorEvent.
# Seeds are generated from the project's fixtures at each run (fuzz/make_seeds.py); the working corpus
# grows in fuzz/.build-fuzz/corpus/TARGET, crash inputs land in fuzz/.build-fuzz/artifacts/TARGET/.
# Exits non-zero when a target crashes, leaks, times out or runs out of memory, after printing the
# input's path. FUZZ_RUNS=N runs N inputs instead of a time (SECONDS is then the time limit).
# See docs/fuzzing.md.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scratch=$root/fuzz/.build-fuzz
# FUZZ_CONFIG=release builds optimised targets (slower to build, several times more inputs a second).
config=${FUZZ_CONFIG:-debug}
targets=(FuzzAuditJSON FuzzCondition FuzzSensorEvent FuzzRulesLoader FuzzPSP)

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
target=$1; shift
if [ "$target" = list ]; then printf '%s\n' "${targets[@]}"; exit 0; fi
[ $# -ge 1 ] || usage
seconds=$1; shift
[[ $seconds =~ ^[0-9]+$ ]] || usage

# Per-target input size limit and dictionary.
max_len() {
  case $1 in
    FuzzCondition) echo 16384 ;;
    FuzzSensorEvent) echo 8192 ;;
    *) echo 65536 ;;
  esac
}
dict() {
  case $1 in
    FuzzAuditJSON|FuzzSensorEvent) echo fuzz/dicts/json.dict ;;
    FuzzCondition) echo fuzz/dicts/condition.dict ;;
    *) echo fuzz/dicts/yaml.dict ;;
  esac
}

# LeakSanitizer stays on for every input (libFuzzer's check after an input that allocated more than it
# freed), but not at exit: the state a target builds once and keeps in globals (rules engine, checks)
# is reported there as "direct leaks", because Swift keeps multi-payload enum tags in the spare high bits
# of the pointers, which LSan then does not recognise as pointers.
export ASAN_OPTIONS=${ASAN_OPTIONS:-leak_check_at_exit=0}

build() {
  echo "fuzz.sh: building the fuzz targets ($config, -sanitize=fuzzer,address)" >&2
  swift build -c "$config" --package-path fuzz --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address 2>&1 \
    | grep -v "ld.gold: warning: Cannot export local symbol" >&2
  return "${PIPESTATUS[0]}"
}

run() {
  local t=$1; shift
  local bin=$scratch/$config/$t
  local corpus=$scratch/corpus/$t seeds=$scratch/seeds/$t artifacts=$scratch/artifacts/$t
  local log=$scratch/logs/$t.log
  mkdir -p "$corpus" "$seeds" "$artifacts" "$scratch/logs"
  local before
  before=$(ls "$artifacts" | wc -l)
  local runs=()
  [ -n "${FUZZ_RUNS:-}" ] && runs=(-runs="$FUZZ_RUNS")
  echo "fuzz.sh: $t for ${FUZZ_RUNS:+$FUZZ_RUNS inputs or }${seconds}s (log: ${log#$root/})" >&2
  local started=$SECONDS status=0
  # libFuzzer's output goes to a file: a symbolizer it starts can keep a pipe open after it exits.
  "$bin" -max_total_time="$seconds" "${runs[@]}" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=10 \
    -dict="$(dict "$t")" -artifact_prefix="$artifacts/" -print_final_stats=1 "$@" \
    "$corpus" "$seeds" >"$log" 2>&1 </dev/null || status=$?
  local stats
  stats=$(grep -E "^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)" "$log" \
    | sed 's/^stat:://' | tr '\n' ' ')
  local cov
  cov=$(grep -E "^#[0-9]+" "$log" | tail -n 1 | grep -oE "cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+" || true)
  echo "fuzz.sh: $t: exit $status after $((SECONDS - started))s; $stats; $cov; corpus $(ls "$corpus" | wc -l) files" >&2
  if [ "$status" -ne 0 ]; then
    grep -E "ERROR: |SUMMARY: |^==[0-9]+==|Fatal error|deadly signal" "$log" | head -n 8 >&2
    local unit
    unit=$(grep -oE "Test unit written to .*" "$log" | tail -n 1 | sed 's/^Test unit written to //')
    echo "fuzz.sh: $t FAILED; input: ${unit:-(none written; see $log)}" >&2
    return 1
  fi
  if [ "$(ls "$artifacts" | wc -l)" -ne "$before" ]; then
    echo "fuzz.sh: $t wrote new artifacts in $artifacts" >&2
    return 1
  fi
  return 0
}

if [ "$target" = all ]; then
  selected=("${targets[@]}")
else
  found=0
  for t in "${targets[@]}"; do [ "$t" = "$target" ] && found=1; done
  [ $found -eq 1 ] || { echo "fuzz.sh: unknown target $target (scripts/fuzz.sh list)" >&2; exit 2; }
  selected=("$target")
fi

build || { echo "fuzz.sh: build failed" >&2; exit 1; }
rm -rf "$scratch/seeds"
python3 fuzz/make_seeds.py "$root" "$scratch/seeds" || { echo "fuzz.sh: seed generation failed" >&2; exit 1; }

failed=()
for t in "${selected[@]}"; do
  run "$t" "$@" || failed+=("$t")
done
if ((${#failed[@]})); then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: ${#selected[@]} target(s) ran clean" >&2
