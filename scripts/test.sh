#!/usr/bin/env bash
# Runs every test: installs the apt packages needed, builds, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
