#!/usr/bin/env bash
# Runs a service the way its image would, without a Docker engine: the runtime stage's base (Debian 12
# minbase, what debian:bookworm-slim is made from) with exactly the packages the Dockerfile's runtime
# stage installs, the static release binary, a read-only root file system with /proc and a /tmp tmpfs
# (as a container runtime mounts them), user 10001:10001, an empty environment. Then: health SERVING,
# for EvaluatorService a `pspctl watch --evaluator` byte-identical to embedded, and exit 0 on SIGTERM.
#
#   scripts/runtime-image-check.sh ConverterService|EvaluatorService
#
# Needs root, debootstrap (apt) and the Debian mirror; builds the release binary with
# --static-swift-stdlib as the Dockerfile does (minutes) unless SERVICE_BIN names one. Not part of
# scripts/test.sh (network, root, a release build); DeploymentTests check the same files statically.
set -euo pipefail
cd "$(dirname "$0")/.."
service=${1:?usage: $0 ConverterService|EvaluatorService}
dockerfile=docker/$service.Dockerfile
[ -f "$dockerfile" ] || { echo "no $dockerfile" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (debootstrap, chroot, mounts)" >&2; exit 2; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null

# The packages of the runtime stage's apt-get install (the last stage).
packages=$(sed -n '/^FROM debian:bookworm-slim/,$p' "$dockerfile" | tr '\\' ' ' | tr -s ' \n' ' ' \
  | grep -o 'apt-get install [^&;]*' | awk '{for (i = 3; i <= NF; i++) if ($i !~ /^-/) print $i}' | tr '\n' ' ')
[ -n "${packages// /}" ] || { echo "no apt-get install in the runtime stage of $dockerfile" >&2; exit 2; }
echo "runtime packages: $packages" >&2

bin=${SERVICE_BIN:-}
if [ -z "$bin" ]; then
  swift build -c release --product "$service" --static-swift-stdlib --scratch-path .build-static >&2
  bin=.build-static/release/$service
fi
pspctl=${PSPCTL_BIN:-.build/debug/pspctl}
[ -x "$pspctl" ] || swift build --product pspctl >&2

root=$(mktemp -d /tmp/pspctl-rootfs.XXXXXX)
chmod 755 "$root"   # it is /, and the service's user must traverse it
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$root"
  rm -f "$root.log" "$root.rules.yaml"
}
trap cleanup EXIT
debootstrap --variant=minbase --include="$(echo $packages | tr ' ' ',')" bookworm "$root" http://deb.debian.org/debian >/dev/null
chroot "$root" sh -c 'groupadd --gid 10001 pspctl && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin pspctl'
cp "$bin" "$root/usr/local/bin/$service"
swift_dir=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
cp "$swift_dir/libexec/swift/linux/swift-backtrace-static" "$root/usr/local/bin/"
if chroot "$root" ldd "/usr/local/bin/$service" | grep -q "not found"; then
  chroot "$root" ldd "/usr/local/bin/$service" | grep "not found" >&2
  echo "FAIL: libraries missing in the runtime image" >&2; exit 1
fi

log=$root.log
unshare --mount --propagation private sh -c '
  set -e; r=$1; shift
  mount --bind "$r" "$r"; mount -o remount,bind,ro "$r"
  mount -t proc proc "$r/proc"; mount -t tmpfs -o size=16m,mode=1777 tmpfs "$r/tmp"
  exec chroot --userspec=10001:10001 "$r" env -i \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/bin/swift-backtrace-static \
    "/usr/local/bin/$0" --listen 127.0.0.1:0' "$service" "$root" 2>"$log" &
pid=$!
for _ in $(seq 50); do grep -q 'address=127.0.0.1:' "$log" && break; sleep 0.2; done
address=$(grep -o 'address=127.0.0.1:[0-9]*' "$log" | head -1 | cut -d= -f2 || true)
[ -n "$address" ] || { cat "$log" >&2; echo "FAIL: $service did not start" >&2; exit 1; }
status=0
name=$([ "$service" = ConverterService ] && echo pspctl.v1.Converter || echo pspctl.v1.Evaluator)
"$pspctl" health "$address" --service "$name" || status=1
if [ "$service" = EvaluatorService ]; then
  rules=$root.rules.yaml
  "$pspctl" convert --standard restricted --standard-version latest --rules-path "$rules" --quiet
  diff <(TZ=UTC "$pspctl" watch --rules "$rules" --audit-log examples/audit.jsonl --output json --evaluator "$address") \
       <(TZ=UTC "$pspctl" watch --rules "$rules" --audit-log examples/audit.jsonl --output json) >&2 \
    && echo "watch --evaluator: identical to embedded" >&2 || status=1
  rm -f "$rules"
else
  rules=$root.rules.yaml
  "$pspctl" convert --standard restricted --standard-version latest --rules-path "$rules" --converter "$address" --quiet \
    && echo "convert --converter: ok" >&2 || status=1
  rm -f "$rules"
fi
kill -TERM "$pid"   # unshare, sh, chroot and env exec each other: $pid is the service
wait "$pid" || { echo "FAIL: exit status $? after SIGTERM" >&2; status=1; }
pid=""
cat "$log" >&2; rm -f "$log"
[ "$status" -eq 0 ] && echo "runtime-image-check: $service passed" || echo "runtime-image-check: $service FAILED"
exit "$status"
