#!/usr/bin/env python3
"""Scrape a /metrics URL at a steady rate over one keep-alive connection (bench_control.sh).

usage: scrape_loop.py HOST PORT HZ SECONDS
A Prometheus server scrapes over keep-alive too; one process, no fork per
scrape, so the scraper's own CPU stays out of the figure as far as it can.
Prints one JSON line: scrapes made, failures, median bytes and milliseconds.
"""
import http.client
import json
import statistics
import sys
import time


def main():
    host, port, hz, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    conn = http.client.HTTPConnection(host, port, timeout=5)
    sizes, times, failures = [], [], 0
    start = time.monotonic()
    next_at = start
    while time.monotonic() - start < seconds:
        t0 = time.monotonic()
        try:
            conn.request("GET", "/metrics")
            r = conn.getresponse()
            body = r.read()
            if r.status != 200:
                failures += 1
            sizes.append(len(body))
            times.append((time.monotonic() - t0) * 1000)
        except (OSError, http.client.HTTPException):
            failures += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=5)
        next_at += 1 / hz
        time.sleep(max(0.0, next_at - time.monotonic()))
    print(json.dumps({"scrapes": len(sizes), "failures": failures,
                      "median_bytes": statistics.median(sizes) if sizes else 0,
                      "median_ms": round(statistics.median(times), 2) if times else None}))


if __name__ == "__main__":
    main()
