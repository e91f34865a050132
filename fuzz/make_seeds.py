#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora from the project's own fixtures (scripts/fuzz.sh runs it).

usage: make_seeds.py REPO_ROOT OUT_DIR
Writes OUT_DIR/<Target>/<sha1> files. Nothing is copied into the repository: fixtures outside it
(../shared) are read when present and skipped otherwise.
"""
import glob
import hashlib
import os
import re
import sys

root, out = sys.argv[1], sys.argv[2]
MAX = {"FuzzAuditJSON": 65536, "FuzzCondition": 16384, "FuzzRulesLoader": 65536, "FuzzPSP": 65536,
       "FuzzSensorEvent": 8192}
counts = {t: 0 for t in MAX}


def seed(target, text):
    data = text.encode() if isinstance(text, str) else text
    if not data.strip() or len(data) > MAX[target]:
        return
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
        counts[target] += 1


def files(*patterns):
    for pattern in patterns:
        yield from sorted(glob.glob(os.path.join(root, pattern)))


def read(path):
    with open(path, "rb") as f:
        return f.read()


# Audit events: every line of the golden audit logs.
for path in files("Tests/CLITests/Fixtures/k8s_audit_rules/*.jsonl", "examples/*.jsonl"):
    for line in read(path).splitlines():
        seed("FuzzAuditJSON", line)

# Rules files: the project's fixtures, Falco's k8s_audit rules when ../shared is there.
rules_files = list(files("Tests/PSPConverterTests/Fixtures/*.yaml",
                         "Tests/CLITests/Fixtures/k8s_audit_rules/overrides/*.yaml",
                         "../shared/fixtures/falco-0.31.1/rules/*.yaml",
                         "../shared/fixtures/k8saudit-plugin/*.yaml"))
for path in rules_files:
    seed("FuzzRulesLoader", read(path))

# Conditions: every macro and rule condition of those files, plus the hand-written ones.
try:
    import yaml

    def conditions(path):
        try:
            docs = list(yaml.safe_load_all(read(path)))
        except Exception:
            return []
        found = []
        for doc in docs:
            for item in doc if isinstance(doc, list) else []:
                if isinstance(item, dict) and isinstance(item.get("condition"), str):
                    found.append(item["condition"])
        return found
except ImportError:  # no PyYAML: one-line conditions only
    def conditions(path):
        return [m.group(1) for m in re.finditer(rb"^\s*condition:\s*(\S.*)$", read(path), re.M)]

for path in rules_files:
    for condition in conditions(path):
        seed("FuzzCondition", condition)
for path in files("fuzz/seeds/condition/*"):
    seed("FuzzCondition", read(path))

# PodSecurityPolicies: the examples, and the manifests and spec snippets of the converter's tests.
for path in files("examples/*.yaml"):
    seed("FuzzPSP", read(path))
HEADER = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: seed\nspec:\n"
for path in files("Tests/PSPConverterTests/*.swift"):
    text = read(path).decode("utf-8", "replace")
    for block in re.findall(r'"""\n(.*?)\n\s*"""', text, re.S):
        if "\\(" in block or "- rule:" in block or "- macro:" in block:
            continue
        lines = block.split("\n")
        indent = min((len(l) - len(l.lstrip(" ")) for l in lines if l.strip()), default=0)
        body = "\n".join(l[indent:] for l in lines) + "\n"
        if "kind: PodSecurityPolicy" in body:
            seed("FuzzPSP", body)
        elif re.match(r"^[a-zA-Z]+:", body):
            seed("FuzzPSP", HEADER + "".join("  " + l + "\n" for l in body.splitlines()))

# Sensor events: hand-written (fuzz/seeds/sensor).
for path in files("fuzz/seeds/sensor/*"):
    seed("FuzzSensorEvent", read(path))

for target, n in counts.items():
    print(f"{target}: {n} seeds written", file=sys.stderr)
