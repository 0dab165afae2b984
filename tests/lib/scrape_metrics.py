#!/usr/bin/python3
"""Scrape iphttpsd's /metrics and check it with Prometheus's own parser (test_control.sh).

usage: scrape_metrics.py FILE [EXPR ...]
FILE holds the scraped text. The whole page must parse (prometheus_client's
text parser, the format Prometheus scrapes), every sample must belong to a
family with a TYPE, and names must be unique per label set. Each EXPR is
"NAME[{label=value}] OP NUMBER" (OP one of == >= > <=), with the value summed
over the samples that match. Prints one line per check; exits 1 if any fails.
Runs with Debian's python3 (python3-prometheus-client).
"""
import operator
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

OPS = {"==": operator.eq, ">=": operator.ge, ">": operator.gt, "<=": operator.le}


def main():
    text = open(sys.argv[1]).read()
    samples, seen, failed = {}, set(), False
    for family in text_string_to_metric_families(text):
        if family.type == "unknown":
            print(f"FAIL: {family.name} has no TYPE")
            failed = True
        for s in family.samples:
            key = (s.name, tuple(sorted(s.labels.items())))
            if key in seen:
                print(f"FAIL: {s.name}{s.labels} appears twice")
                failed = True
            seen.add(key)
            samples.setdefault(s.name, []).append((s.labels, s.value))
    print(f"ok: {len(seen)} samples in {len(samples)} series names parse")
    for expr in sys.argv[2:]:
        m = re.fullmatch(r"(\w+)(?:\{(\w+)=(\S+?)\})?\s*(==|>=|>|<=)\s*(\S+)", expr)
        if not m:
            print(f"FAIL: bad expression {expr!r}")
            failed = True
            continue
        name, label, value, op, number = m.groups()
        matching = [v for labels, v in samples.get(name, []) if label is None or labels.get(label) == value]
        total = sum(matching)
        good = bool(matching) and OPS[op](total, float(number))
        print(f"{'ok' if good else 'FAIL'}: {expr} (value {total if matching else 'absent'})")
        failed |= not good
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
