#!/usr/bin/env python3
"""Solicit a neighbor as a host's kernel would, and report its advertisement.

Sends one ICMPv6 Neighbor Solicitation for TARGET out of IFACE through the
kernel's raw ICMPv6 socket (the kernel fills in the checksum and source
address), hop limit 255 as RFC 4861 7.1.1 requires, and waits for the
Neighbor Advertisement for TARGET. Prints one JSON line: whether one came,
its source, its flags (router, solicited, override) and whether it carried
options.

  nd_probe.py IFACE TARGET --mode resolve   multicast to TARGET's solicited-node group
  nd_probe.py IFACE TARGET --mode nud       unicast to TARGET (RFC 4861 7.3)
Bounded: --timeout seconds (default 3), one probe, exits 0 when an NA came.
"""
import argparse
import ipaddress
import json
import select
import socket
import struct
import sys
import time

NS, NA = 135, 136


def solicited_node(addr):
    packed = ipaddress.IPv6Address(addr).packed
    return str(ipaddress.IPv6Address(bytes.fromhex("ff02" + "00" * 9 + "01ff") + packed[13:]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("iface")
    ap.add_argument("target")
    ap.add_argument("--mode", choices=("resolve", "nud"), default="resolve")
    ap.add_argument("--timeout", type=float, default=3.0)
    a = ap.parse_args()
    target = ipaddress.IPv6Address(a.target)
    index = socket.if_nametoindex(a.iface)
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    # No Source Link-Layer option: the link has no link-layer addresses.
    ns = struct.pack("!BBHI", NS, 0, 0, 0) + target.packed
    dst = solicited_node(a.target) if a.mode == "resolve" else a.target
    s.sendto(ns, (dst, 0, 0, index))
    result = {"mode": a.mode, "sent_to": dst, "answered": False}
    deadline = time.monotonic() + a.timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([s], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        data, src = s.recvfrom(2048)
        if len(data) < 24 or data[0] != NA or data[8:24] != target.packed:
            continue
        flags = data[4]
        result.update(answered=True, source=src[0].split("%")[0], router=bool(flags & 0x80),
                      solicited=bool(flags & 0x40), override=bool(flags & 0x20), options=len(data) > 24)
        break
    print(json.dumps(result))
    return 0 if result["answered"] else 1


if __name__ == "__main__":
    sys.exit(main())
