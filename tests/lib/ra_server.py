#!/usr/bin/env python3
"""A stand-in IP-HTTPS server that says what a test tells it to, for the
client's Router Advertisement rules (issue #22): it accepts one TLS
connection, answers the POST with 200, and then, for each line read from a
FIFO, sends one packet down the link:

    ra SRC ROUTER_LIFETIME VALID PREFERRED   an RA for 2001:db8:c1::/64 from SRC
    close                                    end the connection

What the client sends up is read and dropped (its RS, DAD NS and probes get
no answer: the test turns liveness off). Prints "up" when the 200 is sent
and "sent ..." after each packet, so the test can wait for them.
"""
import argparse
import ipaddress
import os
import select
import socket
import ssl
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inet import checksum  # noqa: E402

PREFIX = ipaddress.IPv6Address("2001:db8:c1::")
ALL_NODES = ipaddress.IPv6Address("ff02::1")


def router_advert(src, router_lifetime, valid, preferred):
    """An RA as RFC 4861 4.2 lays it out: a /64 with L and A set, and the MTU."""
    src = ipaddress.IPv6Address(src)
    prefix = struct.pack("!BBBBIII", 3, 4, 64, 0xC0, valid, preferred, 0) + PREFIX.packed
    mtu = struct.pack("!BBHI", 5, 1, 0, 1280)
    body = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, router_lifetime, 0, 0) + prefix + mtu
    pseudo = src.packed + ALL_NODES.packed + struct.pack("!I3xB", len(body), 58)
    c = checksum(pseudo + body)
    body = body[:2] + struct.pack("!H", c) + body[4:]
    header = struct.pack("!IHBB", 0x60000000, len(body), 58, 255) + src.packed + ALL_NODES.packed
    return header + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("address")
    ap.add_argument("port", type=int)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--commands", required=True, help="a FIFO: one command per line")
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    srv = socket.create_server((args.address, args.port))
    srv.settimeout(args.seconds)
    print("listening", flush=True)
    raw, _ = srv.accept()
    conn = ctx.wrap_socket(raw, server_side=True)
    head = b""
    while b"\r\n\r\n" not in head and len(head) < 8192:
        data = conn.recv(4096)
        if not data:
            return 1
        head += data
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n")
    print("up", flush=True)
    commands = open(args.commands, "r")  # blocks until the test opens it for writing
    end = time.monotonic() + args.seconds
    conn.setblocking(False)
    while time.monotonic() < end:
        ready, _, _ = select.select([conn, commands], [], [], 0.2)
        if conn in ready or conn.pending():
            try:
                if not conn.recv(65536):
                    return 0
            except ssl.SSLWantReadError:
                pass
        if commands in ready:
            line = commands.readline()
            if not line:
                time.sleep(0.1)
                continue
            words = line.split()
            if words[0] == "close":
                conn.close()
                print("closed", flush=True)
                return 0
            if words[0] == "ra":
                conn.setblocking(True)
                conn.sendall(router_advert(words[1], int(words[2]), int(words[3]), int(words[4])))
                conn.setblocking(False)
                print("sent", line.strip(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
