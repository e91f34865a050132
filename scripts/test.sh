#!/usr/bin/env bash
# Runs every test: installs the apt packages needed, builds, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
log=$(mktemp)
status=0
swift test --skip-build 2>&1 | tee "$log" || status=$?
# XCTest's own totals, restated as one plain closing line (swift test ends with Swift Testing's
# "0 tests" line, which says nothing about the XCTest suites that ran).
# XCTest's "failures" counts failed assertions, so failed tests are counted from their own lines.
summary=$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -n 1 || true)
failed=$(grep -cE "^Test Case '.*' failed \(" "$log" || true)
rm -f "$log"
if [[ $summary =~ Executed\ ([0-9]+)\ tests?,\ with\ ([0-9]+)\ failure ]]; then
  executed=${BASH_REMATCH[1]}; failures=${BASH_REMATCH[2]}
  echo "$((executed - failed)) passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$failures" -eq 0 ] || status=1
else
  echo "no XCTest summary found" >&2
  status=1
fi
exit "$status"
