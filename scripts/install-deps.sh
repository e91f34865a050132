#!/usr/bin/env bash
# Installs the Debian packages pspctl builds and tests with (only those missing), and the Python
# grpcio the gRPC interop tests use as an independent implementation.
set -euo pipefail
packages=(libyaml-dev libgrpc-dev pkg-config jq python3-pip)
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
if ! python3 -c 'import grpc, sys; sys.exit(grpc.__version__ != "1.76.0")' 2>/dev/null; then
  echo "installing: grpcio==1.76.0 (pip)" >&2
  python3 -m pip install -q grpcio==1.76.0 2>/dev/null || python3 -m pip install -q --break-system-packages grpcio==1.76.0
fi
