#!/usr/bin/env python3
"""A stand-in IP-HTTPS client for the netns tests until iphttps-client lands:
a kernel TUN device bridged to one IP-HTTPS session (Python's ssl, a real TLS
stack). The kernel does the rest, as on a real client: it sends Router
Solicitations, forms addresses from the Router Advertisement's prefix,
performs DAD over the link, routes through the server, and runs ping and
iperf3 over it.

usage: tun_bridge.py HOST --ca CA [--tun NAME] [--seconds S] [--port 443]

Prints one JSON line when the session is up ({"up": true, "tun": NAME}),
then bridges until S seconds pass, the session ends, or SIGTERM.
IPv6 packets from TUN go into the request body; packets delimited by their
Payload Length in the response body go to TUN ([MS-IPHTTPS] 3.1.5.3).
"""
import argparse
import fcntl
import json
import os
import select
import signal
import socket
import ssl
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from iphttps_client import REQUEST, Deframer, read_head  # noqa: E402

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    os.set_blocking(fd, False)
    return fd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("--ca", required=True)
    ap.add_argument("--port", type=int, default=443)
    ap.add_argument("--tun", default="iphttps0")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--uri", default="/IPHTTPS")
    ap.add_argument("--ciphers", help="TLS 1.2 suites to offer, OpenSSL names (NULL-SHA256 needs @SECLEVEL=0)")
    ap.add_argument("--tls-max", choices=["1.2", "1.3"], default="1.3")
    args = ap.parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))

    tun = open_tun(args.tun)
    ctx = ssl.create_default_context(cafile=args.ca)
    ctx.check_hostname = False
    if args.tls_max == "1.2":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if args.ciphers:
        ctx.set_ciphers(args.ciphers)
    raw = socket.create_connection((args.host, args.port), timeout=10)
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s = ctx.wrap_socket(raw)
    s.sendall(REQUEST.format(uri=args.uri, host=args.host).encode())
    status, _, rest = read_head(lambda: s.recv(65536))
    if not status.startswith("HTTP/1.1 200"):
        print(json.dumps({"up": False, "status": status}), flush=True)
        return 1
    print(json.dumps({"up": True, "tun": args.tun, "version": s.version(), "cipher": s.cipher()[0]}), flush=True)
    s.setblocking(False)
    deframer = Deframer()
    pending = deframer.feed(rest)
    out = b""
    end = time.monotonic() + args.seconds
    stats = {"up_packets": 0, "down_packets": 0}
    while not stop and time.monotonic() < end:
        for p in pending:
            if p[0] >> 4 == 6:  # 3.1.5.3: anything but IPv6 is discarded
                os.write(tun, p)
                stats["down_packets"] += 1
        pending = []
        want_write = [s] if out else []
        readable, writable, _ = select.select([tun, s], want_write, [], 0.2)
        if tun in readable:
            for _ in range(64):
                try:
                    p = os.read(tun, 65536)
                except BlockingIOError:
                    break
                if p and p[0] >> 4 == 6:
                    out += p
                    stats["up_packets"] += 1
        if out and (s in writable or not want_write):
            try:
                n = s.send(out)
                out = out[n:]
            except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
                pass
        if s in readable or s.pending():
            try:
                data = s.recv(65536)
            except (ssl.SSLWantReadError, BlockingIOError):
                continue
            if not data:
                break
            pending = deframer.feed(data)
    print(json.dumps(stats), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
