#!/usr/bin/env bash
# Installs the Debian packages pspctl builds and tests with (only those missing).
set -euo pipefail
# python3: scripts/fuzz.sh makes the fuzz seed corpora with it (fuzz/make_seeds.py). The sanitizer and
# libFuzzer runtimes come with the Swift toolchain (/opt/swift/usr/lib/swift/clang/lib/linux:
# libclang_rt.asan, libclang_rt.fuzzer; llvm-symbolizer in /opt/swift/usr/bin), so no package is needed
# for them.
packages=(libyaml-dev pkg-config jq python3)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
