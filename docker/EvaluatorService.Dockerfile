# syntax=docker/dockerfile:1
# EvaluatorService (pspctl.v1.Evaluator): gRPC on 50052, metrics and probes (HTTP) on 9091.
#
#   docker build -f docker/EvaluatorService.Dockerfile -t pspctl/evaluator-service:0.1.0 .
#
# Build context: the repository root (.dockerignore keeps build folders and git out of it).

# ---- build: the official Swift image of the toolchain pspctl is developed with (Debian 12) ----
FROM swift:6.3.1-bookworm AS build
# The -dev packages of the C libraries the package links (scripts/install-deps.sh): libyaml (CYAML),
# the gRPC core (CGRPC), protobuf-c (CPspctlProtos), OpenSSL (COpenSSL: TLS on the HTTP listener), zlib (CZlib: AuditPipeline reads gzip logs). Debian point releases drop superseded versions,
# so packages are not pinned; the base image tag pins the distribution.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libyaml-dev libgrpc-dev libprotobuf-c-dev libssl-dev zlib1g-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
# --static-swift-stdlib links the Swift runtime and Foundation into the binary, so the runtime image
# needs no Swift toolchain libraries, only the C libraries below. The cache mount keeps the build
# folder (and the fetched packages) between image builds.
RUN --mount=type=cache,target=/src/.build,id=pspctl-evaluator-build \
    swift build -c release --product EvaluatorService --static-swift-stdlib \
    && mkdir -p /out \
    && cp .build/release/EvaluatorService /out/ \
    && cp /usr/libexec/swift/linux/swift-backtrace-static /out/

# ---- runtime: only the shared libraries the binary needs (ldd; checked by Tests/DeploymentTests) ----
FROM debian:bookworm-slim AS runtime
# libyaml-0-2 (libyaml-0.so.2), libgrpc29 (libgrpc.so.29, libgpr.so.29 and the gRPC core's own
# dependencies: abseil, c-ares, re2, OpenSSL, zlib — libz.so.1, which AuditPipeline links too), libprotobuf-c1 (libprotobuf-c.so.1),
# libssl3 (libssl.so.3, libcrypto.so.3: TLS on the HTTP listener, --http-tls-cert; the gRPC core loads
# them too), libstdc++6 (the Swift runtime's C++ part, linked dynamically even with --static-swift-stdlib).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libyaml-0-2 libgrpc29 libprotobuf-c1 libssl3 libstdc++6 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 pspctl \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
               --shell /usr/sbin/nologin pspctl
COPY --from=build /out/EvaluatorService /out/swift-backtrace-static /usr/local/bin/
# Crash backtraces on stderr (the Swift runtime's backtracer, non-interactive in a container).
ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/bin/swift-backtrace-static
# A numeric user, so Kubernetes can verify runAsNonRoot. Nothing is written to the file system:
# the image runs with a read-only root file system (docker run --read-only, readOnlyRootFilesystem).
USER 10001:10001
EXPOSE 50052 9091
ENTRYPOINT ["/usr/local/bin/EvaluatorService"]
# Plaintext defaults for local use (the service warns: no TLS on a non-loopback address); the
# Kubernetes manifests add --tls-cert/--tls-key.
CMD ["--listen", "0.0.0.0:50052", "--http-listen", "0.0.0.0:9091"]
