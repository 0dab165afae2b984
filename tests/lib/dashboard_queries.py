#!/usr/bin/env python3
"""Run every query of a Grafana dashboard against a real Prometheus server (test_control.sh).

usage: dashboard_queries.py DASHBOARD_JSON PROMETHEUS_URL [--wait S]

Each panel target's expr, with the dashboard's $instance variable matching
any instance, goes to Prometheus' HTTP API (/api/v1/query) as Grafana would
send it. A query passes when Prometheus answers "success" with at least one
series; it fails on an error (for example "vector cannot contain metrics with
the same labelset", which rate() over many metric names gives) or on an empty
answer. With --wait, first waits up to S seconds for the scrape target to be
up and for every query to have data (rate() needs two scrapes). Prints one
line per query; exits 1 if any fails.
"""
import json
import sys
import time
import urllib.parse
import urllib.request


def query(url, expr):
    with urllib.request.urlopen(f"{url}/api/v1/query?" + urllib.parse.urlencode({"query": expr}), timeout=5) as r:
        return json.load(r)


def run(url, exprs):
    results = []
    for title, expr in exprs:
        try:
            answer = query(url, expr)
        except urllib.error.HTTPError as e:  # a bad query is a 400 with the error in its body
            body = e.read()
            try:
                answer = json.loads(body)
            except ValueError:  # not JSON: Prometheus still starting ("Service Unavailable"); --wait tries again
                answer = {"status": "error", "error": f"HTTP {e.code}: {body[:80].decode(errors='replace')}"}
        except OSError as e:
            answer = {"status": "error", "error": str(e)}
        ok = answer.get("status") == "success" and len(answer["data"]["result"]) > 0
        why = answer.get("error") or f"{len(answer.get('data', {}).get('result', []))} series"
        results.append((ok, title, expr, why))
    return results


def main():
    dashboard = json.load(open(sys.argv[1]))
    url = sys.argv[2].rstrip("/")
    wait = float(sys.argv[sys.argv.index("--wait") + 1]) if "--wait" in sys.argv else 0
    exprs = [(p["title"], t["expr"].replace("$instance", ".*"))
             for p in dashboard["panels"] for t in p["targets"]]
    deadline = time.monotonic() + wait
    while True:
        results = run(url, exprs)
        if all(ok for ok, *_ in results) or time.monotonic() >= deadline:
            break
        time.sleep(1)
    for ok, title, expr, why in results:
        print(f"{'ok' if ok else 'FAIL'}: {title}: {expr} ({why})")
    print(f"{sum(ok for ok, *_ in results)} of {len(results)} queries answered with data")
    sys.exit(0 if all(ok for ok, *_ in results) else 1)


if __name__ == "__main__":
    main()
