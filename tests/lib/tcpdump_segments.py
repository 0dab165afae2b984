#!/usr/bin/env python3
"""Sum up the TCP segments one sender put on the wire, from tcpdump's own verdicts.

usage: tcpdump -r FILE -n -vv | tcpdump_segments.py SOURCE_ADDRESS SOURCE_PORT

tcpdump -vv checks each TCP checksum itself and prints "(correct)" or
"(incorrect -> 0x....)"; this script only reads what tcpdump said. For the
segments from SOURCE_ADDRESS.SOURCE_PORT it prints one JSON line: how many,
how many carried data, how many checksums tcpdump found correct and
incorrect, and the largest TCP payload and IP packet (header included).
"""
import json
import re
import sys


def records(lines):
    """tcpdump -v prints a packet on several lines; continuations are indented."""
    record = ""
    for line in lines:
        if line[:1].isspace() and record:
            record += " " + line.strip()
        else:
            if record:
                yield record
            record = line.strip()
    if record:
        yield record


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source = f" {sys.argv[1]}.{sys.argv[2]} > "
    out = {"segments": 0, "with_data": 0, "checksum_correct": 0, "checksum_incorrect": 0,
           "largest_payload": 0, "largest_ip_packet": 0}
    for rec in records(sys.stdin):
        if source not in rec:
            continue
        out["segments"] += 1
        verdict = re.search(r"cksum 0x[0-9a-f]+ \((correct|incorrect)", rec)
        if verdict and verdict.group(1) == "correct":
            out["checksum_correct"] += 1
        else:  # "incorrect", or no verdict at all: either is a failure of the claim
            out["checksum_incorrect"] += 1
        payload = int(re.findall(r"length (\d+)", rec)[-1])
        if payload:
            out["with_data"] += 1
        out["largest_payload"] = max(out["largest_payload"], payload)
        v4 = re.search(r"proto TCP \(6\), length (\d+)", rec)
        v6 = re.search(r"payload length: (\d+)", rec)
        ip_packet = int(v4.group(1)) if v4 else int(v6.group(1)) + 40 if v6 else 0
        out["largest_ip_packet"] = max(out["largest_ip_packet"], ip_packet)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
