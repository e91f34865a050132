#!/usr/bin/env bash
# Runs every test: installs the apt packages needed, builds, then runs the whole suite; then the whole
# suite again under AddressSanitizer, then each fuzz target for a short time (docs/fuzzing.md).
# For local runs: PSPCTL_SKIP_ASAN=1 skips the sanitized suite, PSPCTL_FUZZ_SECONDS=0 the fuzz targets
# (default 8 s each); PSPCTL_ASAN_SKIP=REGEX leaves the matching tests out of the sanitized run only
# (swift test --skip), e.g. the slowest, FalcoK8sAuditRulesTests.testVerdictsWithBothFalcoRulesFiles.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

# Not set here: PSPCTL_OPTIMIZE=1 (Package.swift) compiles pspctl's own targets with -O inside the debug
# build. The suites then use 2-3x less CPU per run (loading falco_rules.yaml: 0.23 s against 0.12 s), but
# on CI's 2 cores the optimised build took ~10 minutes longer than the tests saved (a fresh clone: 1,451 s
# for build + suite against 899 s). It is there for local work that reruns slow suites many times.

# Runs the suite with `swift test --skip-build "$@"` and sets `passed`/`failed` from XCTest's totals;
# returns non-zero on any failure (or when no totals were printed).
run_suite() {
  local log status=0
  log=$(mktemp)
  swift test --skip-build "$@" 2>&1 | tee "$log" || status=$?
  # XCTest's own totals, restated as one plain closing line (swift test ends with Swift Testing's
  # "0 tests" line, which says nothing about the XCTest suites that ran).
  # XCTest's "failures" counts failed assertions, so failed tests are counted from their own lines.
  local summary
  summary=$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -n 1 || true)
  failed=$(grep -cE "^Test Case '.*' failed \(" "$log" || true)
  # A sanitizer report fails the run even when the process it stopped was a child the tests ran.
  sanitizer=$(grep -cE "^(==[0-9]+==ERROR: [A-Za-z]+Sanitizer|SUMMARY: [A-Za-z]+Sanitizer)" "$log" || true)
  rm -f "$log"
  if [[ $summary =~ Executed\ ([0-9]+)\ tests?,\ with\ ([0-9]+)\ failure ]]; then
    local executed=${BASH_REMATCH[1]} failures=${BASH_REMATCH[2]}
    passed=$((executed - failed))
    [ "$failed" -eq 0 ] && [ "$failures" -eq 0 ] && [ "$sanitizer" -eq 0 ] || status=1
  else
    echo "no XCTest summary found" >&2
    passed=0
    status=1
  fi
  return "$status"
}

phase_start=$SECONDS
timing() { echo "test.sh: $1 took $((SECONDS - phase_start)) s" >&2; phase_start=$SECONDS; }

status=0
total_passed=0
total_failed=0

# The committed protobuf-c output must be what protos/ generates.
if ! scripts/generate-protos.sh --check; then
  echo "Sources/CPspctlProtos is out of date with protos/: run scripts/generate-protos.sh" >&2
  status=1; total_failed=$((total_failed + 1))
fi

swift build --build-tests
run_suite || status=$?
total_passed=$((total_passed + passed)); total_failed=$((total_failed + failed))
echo "test suite: $passed passed, $failed failed" >&2
timing "build + test suite"

if [ "${PSPCTL_SKIP_ASAN:-0}" != 1 ]; then
  # The same suite under AddressSanitizer. Its tests count into the closing line a second time (a test
  # that fails only under ASan is a failed test). PSPCTL_SANITIZE (Package.swift) instruments pspctl's
  # own targets and relinks in the same .build, so the dependencies built for the first run are reused
  # (a separate --sanitize=address build of everything took ~10 of CI's minutes). It leaves .build/debug
  # sanitized: the next plain `swift build` recompiles pspctl's targets, not the dependencies.
  asan_status=0
  # Package.swift leaves the targets it lists as safe Swift uninstrumented: they must stay free of unsafe code.
  for target in $(sed -n '/^let safeSwiftTargets/,/^]/p' Package.swift | grep -oE '"[A-Za-z]+"' | tr -d '"'); do
    directory=Sources/$target
    [ "$target" = TestSupport ] && directory=Tests/TestSupport
    if grep -rlE 'Unsafe(Mutable)?(Raw)?(Buffer)?Pointer|withUnsafe|OpaquePointer|unsafeBitCast|memcmp|memcpy' "$directory"; then
      echo "$target uses unsafe code: take it out of Package.swift's safeSwiftTargets (it must be sanitized)" >&2
      asan_status=1
    fi
  done
  export PSPCTL_SANITIZE=address
  if swift build --build-tests; then
    # Left out of the sanitized run, to keep CI near its 25-minute budget on 2 cores (each takes 20-60 s
    # sanitized, and none reaches C or unsafe-pointer code that the suites kept do not): DeploymentTests
    # (they lint docker/ and read the built binaries' libraries with ldd; an ASan build links the
    # sanitizer's runtime, which no Debian package ships), the multi-process scale-out, TLS and metrics
    # suites (GRPCKitTests keep TLS, streams, drains and admission under ASan in-process; the HTTP
    # listener is swift-nio's safe Swift), and PodSecurity's end-to-end suite (pure Swift, its checks
    # are run sanitized by the hardening and CLI suites). Also the remote-equals-embedded, stream-limit,
    # drain, remote-follow and remote-sink suites (pspctl and EvaluatorService processes comparing
    # outputs: EvaluateWireTests, GRPCKitTests, FollowTests and AlertSinkTests keep their code sanitized
    # in-process or in one process), the run of every Falco verdict with both rules files (3 min
    # sanitized; the same engine paths run sanitized with k8s_audit_rules.yaml alone), remote-equals-
    # embedded conversion (RemoteConvertTests; ConverterServiceTests keep the service sanitized) and the
    # HTTP alert sink's retry timings (AlertSinkTests: swift-nio's safe Swift, mostly waiting on back-off).
    # Also the seven tests that bound time or shape on large inputs (15-60 s each sanitized, 190 s in all):
    # the 50,000-character PSP name, the 100,000-term condition, the 1 MB rules file, the 20,000-macro
    # chain, the chain shapes, the 9,000 numbers against printf and Falco's rules on sensor events
    # remote-against-embedded. Each runs pure Swift on its input; the same readers and C wrappers run
    # sanitized on smaller hostile inputs in the suites kept (HardeningInputTests, HostileInputTests,
    # YAMLLimitsTests, SyscallEventsTests).
    # And every Falco k8s_audit_rules.yaml verdict (37 s sanitized): the engine is pure Swift, and the
    # event reader (AuditJSON's unsafe parser) runs sanitized in its own suites and in every CLI suite.
    asan_slow="testVerdictsWithK8sAuditRulesAlone|testAPSPWithAFiftyThousandCharacterNameConvertsAndLoads|testAConditionOfOneHundredThousandAndTermsLoads|testAOneMegabyteRulesFileLoadsInBoundedTime|testAChainOfTwentyThousandMacrosLoadsInLinearTime|ChainShapeTests|testAgreesWithCPrintfExceptOnTies|testFalcoRulesOnSensorEventsAreByteIdenticalToEmbedded"
    # And the suites of safe Swift that Package.swift does not instrument (PodSecurity, PSP conversion and
    # admission, the condition language, the report and check renderings, migration advice), whose runs
    # reach C or unsafe code only through the readers the suites kept exercise on every input (about
    # 130 s sanitized): under ASan they would only be slower. Also the sensor-event stream suite (three
    # processes per test; EvaluateWireTests keep the sensor items' wire decoding sanitized in-process).
    asan_safe="PodSecurityTests|PSPConverterTests|PSPAdmissionTests|ConditionLanguageTests|FalcoRulesTextTests|FalcoctlRuleBehaviourTests|ExtensionRuleBehaviourTests|RulesFileErrorTests|RuleSetDescriptionTests|RuleSelectionOptionTests|FalcoRulesFilesTests|ReportTests|ReportFormatTests|ReportProgressTests|ReportAdmissionTests|SuggestStandardTests|StandardSuggestionTests|ConvertCommandTests|ExampleTests|MeasuredRunTests|WebhookRuleSetTests|SyscallStreamTests"
    asan_skip=(--skip "$asan_safe|DeploymentTests|ScaleOutTests|TLSServiceTests|EvaluatorMetricsTests|ConverterMetricsTests|EndToEndTests|RemoteWatchEquivalenceTests|StreamLimitTests|GracefulShutdownTests|RemoteFollowTests|RemoteAlertSinkTests|RemoteConvertTests|AlertSinkTests|testVerdictsWithBothFalcoRulesFiles|$asan_slow")
    [ -n "${PSPCTL_ASAN_SKIP:-}" ] && asan_skip+=(--skip "$PSPCTL_ASAN_SKIP")
    # Leaks are not checked (LeakSanitizer reports XCTest's and Foundation's own at exit). ASan keeps
    # up to 256 MB of freed memory in quarantine by default, which counts in a child's peak RSS that
    # the hardening tests bound; 16 MB still catches a use after free of anything freed recently.
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:quarantine_size_mb=16} run_suite "${asan_skip[@]}" || asan_status=$?
  else
    echo "AddressSanitizer build failed" >&2
    passed=0; failed=1; asan_status=1
  fi
  unset PSPCTL_SANITIZE
  total_passed=$((total_passed + passed)); total_failed=$((total_failed + failed))
  echo "AddressSanitizer suite: $passed passed, $failed failed$([ "$asan_status" -ne 0 ] && echo " (FAILED)")" >&2
  [ "$asan_status" -eq 0 ] || status=1
  timing "AddressSanitizer build + suite"
fi

fuzz_seconds=${PSPCTL_FUZZ_SECONDS:-8}
if [ "$fuzz_seconds" != 0 ]; then
  # Each fuzz target for a short time; a crash, leak or timeout counts as one failed test per target.
  fuzz_log=$(mktemp)
  fuzz_status=0
  # Release builds: 10-50x the inputs of a debug build in the same 20 s, for about the same build time.
  FUZZ_CONFIG=${FUZZ_CONFIG:-release} scripts/fuzz.sh all "$fuzz_seconds" 2>&1 | tee "$fuzz_log" || fuzz_status=$?
  targets=$(scripts/fuzz.sh list | wc -l)
  fuzz_failed=0
  if [ "$fuzz_status" -ne 0 ]; then
    fuzz_failed=$(grep -oE "^fuzz.sh: failed: .*" "$fuzz_log" | wc -w || true)
    fuzz_failed=$((fuzz_failed > 2 ? fuzz_failed - 2 : targets))  # the targets named after "failed:"
    status=1
  fi
  rm -f "$fuzz_log"
  total_passed=$((total_passed + targets - fuzz_failed)); total_failed=$((total_failed + fuzz_failed))
  echo "fuzz targets: $((targets - fuzz_failed)) passed, $fuzz_failed failed" >&2
  timing "fuzz build + runs"
fi

echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ] || status=1
exit "$status"
