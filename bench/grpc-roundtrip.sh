#!/usr/bin/env bash
# GRPCKit throughput: builds bench/grpc/main.swift with GRPCKit's sources (-O, one module, no
# package build needed) and prints round-trip messages/s. Usage: bench/grpc-roundtrip.sh [MESSAGES]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
swiftc -O -parse-as-library -module-name GRPCBench -swift-version 6 \
  -I Sources/CGRPC -o bench/out/grpc-roundtrip bench/grpc/main.swift Sources/GRPCKit/*.swift
bench/out/grpc-roundtrip "${1:-100000}"
