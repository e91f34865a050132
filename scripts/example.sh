#!/usr/bin/env bash
# Runs pspctl on the bundled example, embedded (no servers), on rules pspctl writes itself: converts the
# example PSP (as given, limited to nginx images by its annotation, then without the annotation, so the
# privileged pod it exists to catch is caught) and the baseline and restricted Pod Security Standards
# levels, and evaluates examples/audit.jsonl against each. When Falco 0.31.1's own k8s_audit_rules.yaml is
# present beside this repository (../shared/fixtures/falco-0.31.1/rules/), the same log is evaluated
# against it too; otherwise the example says so and goes on.
#
# PSPCTL_BIN=/path/to/pspctl uses that binary instead of installing packages and building a release one.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${PSPCTL_BIN:-}" ]; then
  bin=$PSPCTL_BIN
else
  scripts/install-deps.sh
  swift build -c release --product pspctl >&2
  bin=.build/release/pspctl
fi
log=examples/audit.jsonl
psp=examples/psp-no-privileged.yaml
falco_rules=../shared/fixtures/falco-0.31.1/rules/k8s_audit_rules.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== $psp as given: its annotation falco-rules-psp-images: \"[nginx]\" limits the rules to pods whose every image is nginx" >&2
"$bin" convert --quiet --psp-path "$psp" --rules-path "$work/psp-nginx.yaml"
TZ=UTC "$bin" watch --rules "$work/psp-nginx.yaml" --audit-log "$log"

echo "== $psp without its image annotation: every pod is judged, so the privileged pod is caught" >&2
sed -e '/^  annotations:$/d' -e '/falco-rules-psp-images:/d' "$psp" > "$work/psp-all-images.yaml"
"$bin" convert --quiet --psp-path "$work/psp-all-images.yaml" --rules-path "$work/psp-all-images-rules.yaml"
TZ=UTC "$bin" watch --rules "$work/psp-all-images-rules.yaml" --audit-log "$log"

for level in baseline restricted; do
  echo "== Pod Security Standards $level (latest) on the same log" >&2
  "$bin" convert --quiet --standard "$level" --standard-version latest --rules-path "$work/pss-$level.yaml"
  TZ=UTC "$bin" watch --rules "$work/pss-$level.yaml" --audit-log "$log"
done

if [ -f "$falco_rules" ]; then
  echo "== Falco 0.31.1's own k8s_audit_rules.yaml on the same log" >&2
  TZ=UTC "$bin" watch --rules "$falco_rules" --audit-log "$log"
else
  echo "== Falco's k8s_audit_rules.yaml is not at $falco_rules, so its part of the example is skipped." >&2
  echo "   (It is rules/k8s_audit_rules.yaml of Falco 0.31.1: https://github.com/falcosecurity/falco/blob/0.31.1/rules/k8s_audit_rules.yaml)" >&2
fi
