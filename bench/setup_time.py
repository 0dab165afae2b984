#!/usr/bin/env python3
"""Tunnel set-up time, measured from the client namespace (bench/bench_setup.sh).

usage: setup_time.py tunnel ROUNDS CLIENT-ARGS...   time from starting the
           client to the first ICMPv6 echo reply from corp through the tunnel:
           an echo request goes every 0.5 ms from the moment the client starts
           (they fail until the address and route exist); each round the client
           is stopped and its TUN device is gone before the next.
       setup_time.py https ROUNDS CA SERVER NAME   the baseline: TCP, TLS and
           the IP-HTTPS POST to its 200, in this process (what no client can
           skip).
Prints one JSON line: every round in ms, and the median.
"""
import json
import os
import select
import socket
import ssl
import statistics
import struct
import subprocess
import sys
import time

CORP = "fd00:c0::2"


def echo_request(ident, seq):
    # The kernel fills the ICMPv6 checksum on a raw ICMPv6 socket.
    return struct.pack("!BBHHH", 128, 0, 0, ident, seq) + b"iphttps-setup"


def tunnel_round(args, ident):
    sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    sock.setblocking(False)
    start = time.monotonic()
    client = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seq, reply = 0, None
    try:
        while time.monotonic() - start < 10 and reply is None:
            seq = (seq + 1) & 0xFFFF
            try:
                sock.sendto(echo_request(ident, seq), (CORP, 0))
            except OSError:
                pass  # no address or no route yet
            ready, _, _ = select.select([sock], [], [], 0.0005)
            while ready:
                try:
                    data, src = sock.recvfrom(2048)
                except BlockingIOError:
                    break
                if src[0] == CORP and data[0] == 129 and struct.unpack("!H", data[4:6])[0] == ident:
                    reply = time.monotonic()
                    break
    finally:
        client.terminate()
        client.wait(timeout=10)
        sock.close()
    # The next round starts from nothing: the TUN device goes with the process.
    for _ in range(200):
        if not os.path.exists("/sys/class/net/iphttps0"):
            break
        time.sleep(0.01)
    return None if reply is None else (reply - start) * 1000


def https_round(ca, server, name):
    ctx = ssl.create_default_context(cafile=ca)
    start = time.monotonic()
    with socket.create_connection((server, 443), timeout=10) as raw:
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with ctx.wrap_socket(raw, server_hostname=name) as tls:
            tls.sendall(b"POST /IPHTTPS HTTP/1.1\r\nHost: %s\r\nContent-Length: 18446744073709551615\r\n\r\n"
                        % name.encode())
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = tls.recv(4096)
                if not chunk:
                    raise RuntimeError("closed before the answer")
                head += chunk
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.split(b"\r\n")[0].decode())
            return (time.monotonic() - start) * 1000


def main():
    mode, rounds = sys.argv[1], int(sys.argv[2])
    times = []
    for i in range(rounds):
        if mode == "tunnel":
            t = tunnel_round(sys.argv[3:], 0x4000 + i)
        else:
            t = https_round(*sys.argv[3:6])
        if t is not None:
            times.append(round(t, 2))
        time.sleep(0.2)
    print(json.dumps({"rounds": rounds, "answered": len(times), "ms": times,
                      "median_ms": round(statistics.median(times), 2) if times else None}))


if __name__ == "__main__":
    main()
