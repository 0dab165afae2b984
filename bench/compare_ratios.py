#!/usr/bin/env python3
"""make bench's last step: each same-run ratio beside the ratio recorded for it.

Absolute figures move with the machine (a CPU model, a neighbour's load);
a ratio to a baseline measured in the same run moves much less. So
bench/ratios.tsv records, for each figure, the ratio a healthy tree gave
and where to find it in a benchmark's output; this reads the outputs that
`make bench` kept (one LOG_DIR/<bench>.log each) and flags every ratio more
than a third worse than its record: below 2/3 of it where higher is better,
above 3/2 of it where lower is better. A figure that is missing from its
output is flagged too (a benchmark that failed, or whose print changed).

usage: compare_ratios.py RECORDS LOG_DIR     exit 1 when anything is flagged
"""
import re
import sys

WORSE_BY = 1 / 3  # "more than a third worse"


def records(path):
    """(bench, figure, direction, record, pattern) per line; '#' starts a comment."""
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 5 or fields[2] not in ("higher", "lower"):
            sys.exit(f"{path}:{number}: want bench<TAB>figure<TAB>higher|lower<TAB>record<TAB>pattern, got {line!r}")
        bench, figure, direction, record, pattern = fields
        try:
            yield bench, figure, direction, float(record), re.compile(pattern)
        except (ValueError, re.error) as e:
            sys.exit(f"{path}:{number}: {e}")


def worse(direction, ratio, record):
    """How much worse than the record, as a fraction (0 or less: as good or better)."""
    if direction == "higher":
        return 1 - ratio / record
    return 1 - record / ratio if ratio > 0 else 1


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    records_path, log_dir = sys.argv[1:]
    outputs = {}
    flagged = 0
    print(f"bench ratios against their records ({records_path}; flagged when more than a third worse)")
    for bench, figure, direction, record, pattern in records(records_path):
        if bench not in outputs:
            try:
                outputs[bench] = open(f"{log_dir}/{bench}.log", encoding="utf-8", errors="replace").read()
            except OSError:
                outputs[bench] = None
        text = outputs[bench]
        match = pattern.search(text) if text is not None else None
        name = f"{bench} {figure}"
        if not match:
            flagged += 1
            why = "no output" if text is None else "not found in its output"
            print(f"  FLAG {name:44s} record {record:7.2f}   this run: {why}")
            continue
        ratio = float(match.group(1))
        w = worse(direction, ratio, record)
        flag = w > WORSE_BY
        flagged += flag
        change = f"worse by {w:.0%}" if w > 0 else f"better by {-w:.0%}" if w < 0 else "the same"
        print(f"  {'FLAG' if flag else 'ok  '} {name:44s} record {record:7.2f}   this run {ratio:7.2f}"
              f"   ({direction} is better: {change})")
    print(f"{flagged} flagged" if flagged else "no ratio more than a third worse than its record")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
