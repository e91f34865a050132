#!/usr/bin/env python3
"""Parses a Prometheus text exposition (stdin) with prometheus_client's own parser and prints its samples
as JSON: [{"family", "type", "name", "labels", "value"}]. Exits 1 with the parser's error on bad input."""
import json, sys
from prometheus_client.parser import text_string_to_metric_families

def main():
    samples = []
    for family in text_string_to_metric_families(sys.stdin.read()):
        for sample in family.samples:
            samples.append({"family": family.name, "type": family.type, "name": sample.name,
                            "labels": dict(sample.labels), "value": float(sample.value)})
    json.dump(samples, sys.stdout)

if __name__ == "__main__":
    main()
