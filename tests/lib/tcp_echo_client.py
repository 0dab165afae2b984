#!/usr/bin/env python3
"""Push bytes through a TCP echo service and check they come back intact.

usage: tcp_echo_client.py HOST PORT MIB [--connections N] [--per-connection-kib K] [--timeout S]

One connection (default): MIB mebibytes of pseudo-random data are sent by one
thread while another reads the echo; the SHA-256 of both directions must
match. With --connections N: N concurrent connections each send K KiB and
check their echo. Prints one JSON line with the outcome and the throughput.
Bounded by --timeout (default 300 s).
"""
import argparse
import errno
import hashlib
import json
import os
import selectors
import socket
import sys
import threading
import time


def one_stream(host, port, total, timeout):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.create_connection((host, port), timeout=timeout) if family == socket.AF_INET else \
        socket.socket(family)
    if family == socket.AF_INET6:
        s.settimeout(timeout)
        s.connect((host, port))
    sent_hash, recv_hash = hashlib.sha256(), hashlib.sha256()
    block = os.urandom(1 << 16)
    state = {"error": None}

    def sender():
        try:
            left = total
            i = 0
            while left > 0:
                chunk = block[: min(left, len(block))]
                # vary the data so a misplaced block cannot hash the same
                chunk = bytes([i & 0xFF]) + chunk[1:]
                s.sendall(chunk)
                sent_hash.update(chunk)
                left -= len(chunk)
                i += 1
            s.shutdown(socket.SHUT_WR)
        except Exception as e:  # reported below
            state["error"] = f"send: {e}"

    start = time.monotonic()
    t = threading.Thread(target=sender)
    t.start()
    received = 0
    try:
        while True:
            data = s.recv(1 << 18)
            if not data:
                break
            recv_hash.update(data)
            received += len(data)
    except Exception as e:
        state["error"] = f"recv after {received} bytes: {e}"
    t.join(timeout)
    elapsed = time.monotonic() - start
    s.close()
    return {
        "bytes": total,
        "received": received,
        "sha256_sent": sent_hash.hexdigest(),
        "sha256_received": recv_hash.hexdigest(),
        "ok": state["error"] is None and received == total and sent_hash.digest() == recv_hash.digest(),
        "error": state["error"],
        "seconds": round(elapsed, 3),
        "gbit_per_s_each_way": round(total * 8 / elapsed / 1e9, 3),
    }


def describe_difference(sent, received):
    """Where the echo differs, and where in what was sent the differing bytes
    come from (a TCP sequence-accounting bug shows as bytes from another offset)."""
    first = next(i for i in range(len(sent)) if sent[i] != received[i])
    last = max(i for i in range(len(sent)) if sent[i] != received[i])
    probe = received[first:first + 32]
    found = sent.find(probe) if len(probe) == 32 else -1
    return f"at {first}..{last}, received there was sent at {found}"


def many(host, port, count, per_conn, timeout):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sel = selectors.DefaultSelector()
    payload = os.urandom(per_conn)
    conns = []
    deadline = time.monotonic() + timeout
    start = time.monotonic()
    for i in range(count):
        s = socket.socket(family)
        s.setblocking(False)
        s.connect_ex((host, port))
        st = {"port": s.getsockname()[1], "sock": s, "sent": 0, "recv": bytearray(), "done": False, "id": i, "connected": False, "error": None}
        conns.append(st)
        sel.register(s, selectors.EVENT_WRITE | selectors.EVENT_READ, st)
    pending = count
    while pending and time.monotonic() < deadline:
        for key, events in sel.select(timeout=1):
            st = key.data
            s = st["sock"]
            if events & selectors.EVENT_WRITE and st["sent"] < per_conn:
                try:
                    n = s.send(payload[st["sent"]:st["sent"] + 65536])
                    st["sent"] += n
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError as e:
                    st["error"] = st["error"] or errno.errorcode.get(e.errno, str(e.errno))
                    continue
                if st["sent"] == per_conn:
                    sel.modify(s, selectors.EVENT_READ, st)
            if events & selectors.EVENT_READ:
                try:
                    data = s.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError as e:
                    st["error"] = st["error"] or errno.errorcode.get(e.errno, str(e.errno))
                    data = b""
                if data:
                    st["recv"] += data
                if not data or len(st["recv"]) >= per_conn:
                    sel.unregister(s)
                    s.close()
                    st["done"] = True
                    pending -= 1
    good = sum(1 for st in conns if st["done"] and bytes(st["recv"]) == payload)
    for st in conns:
        if not st["done"]:
            try:
                sel.unregister(st["sock"])
            except Exception:
                pass
            st["sock"].close()
    elapsed = time.monotonic() - start
    # How the others failed, so a failure in CI says where to look.
    failures = {}
    for st in conns:
        if st["done"] and bytes(st["recv"]) == payload:
            continue
        if not st["done"]:
            kind = "unfinished"
        elif st["error"]:
            kind = "error " + st["error"]
        elif len(st["recv"]) < per_conn:
            kind = "closed early"
        else:
            kind = "bytes differ " + describe_difference(payload, bytes(st["recv"]))
            kind += f" on local port {st['port']}"
        key = f"{kind} (sent {st['sent']}, received {len(st['recv'])})"
        failures[key] = failures.get(key, 0) + 1
    r = {"connections": count, "echoed_intact": good, "ok": good == count, "seconds": round(elapsed, 3)}
    if failures:
        r["failures"] = failures
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("mib", type=float)
    ap.add_argument("--connections", type=int, default=0)
    ap.add_argument("--per-connection-kib", type=int, default=64)
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args()
    if a.connections:
        r = many(a.host, a.port, a.connections, a.per_connection_kib * 1024, a.timeout)
    else:
        r = one_stream(a.host, a.port, int(a.mib * (1 << 20)), a.timeout)
    print(json.dumps(r))
    return 0 if r["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
