#!/usr/bin/env python3
"""Send one Neighbor Discovery message out of IFACE as a host's kernel would
send it (raw ICMPv6 socket: the kernel picks the source and fills in the
checksum; hop limit 255), for the tests of what the appliance lets through
between clients (RFC 6105 RA guard, NAs only for the sender's own address):

  nd_send.py IFACE ra                 an RA to ff02::1: router lifetime 1800, 2001:db8:c1::/64
                                      with valid lifetime 1 s, MTU 65535 (what a hostile client sends)
  nd_send.py IFACE na TARGET          an unsolicited NA for TARGET to ff02::1, Override set
"""
import argparse
import ipaddress
import socket
import struct
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("kind", choices=["ra", "na"])
    ap.add_argument("target", nargs="?")
    args = ap.parse_args()
    if args.kind == "ra":
        prefix = struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 1, 0, 0) + ipaddress.IPv6Address("2001:db8:c1::").packed
        mtu = struct.pack("!BBHI", 5, 1, 0, 65535)
        msg = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0) + prefix + mtu
    else:
        if not args.target:
            ap.error("na needs a TARGET")
        msg = struct.pack("!BBHI", 136, 0, 0, 0x20000000) + ipaddress.IPv6Address(args.target).packed
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, args.iface.encode())
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, socket.if_nametoindex(args.iface))
    s.sendto(msg, ("ff02::1", 0, 0, socket.if_nametoindex(args.iface)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
