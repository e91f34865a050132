#!/usr/bin/env bash
# Runs pspctl on the bundled example, embedded (no servers): evaluates the example audit log against Falco
# 0.31.1's own k8s audit rules, then converts the example PSP and the restricted Pod Security Standards
# level and evaluates the same log against each converted rules file.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product pspctl >&2
bin=.build/release/pspctl
falco_rules=../shared/fixtures/falco-0.31.1/rules/k8s_audit_rules.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== Falco's k8s_audit_rules.yaml on examples/audit.jsonl" >&2
TZ=UTC "$bin" watch --rules "$falco_rules" --audit-log examples/audit.jsonl
echo "== examples/psp-no-privileged.yaml converted, on the same log" >&2
"$bin" convert --psp-path examples/psp-no-privileged.yaml --rules-path - > "$work/rules.yaml"
TZ=UTC "$bin" watch --rules "$work/rules.yaml" --audit-log examples/audit.jsonl
echo "== Pod Security Standards restricted (latest) on the same log" >&2
"$bin" convert --standard restricted --standard-version latest --rules-path - > "$work/pss.yaml"
TZ=UTC "$bin" watch --rules "$work/pss.yaml" --audit-log examples/audit.jsonl
