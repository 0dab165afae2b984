#!/usr/bin/env python3
"""Send classes of malformed frames to the appliance from a raw socket.

usage: malformed_frames.py IFACE GW_MAC COUNT_PER_CLASS
Prints a JSON object: the appliance drop counter each class must land in ->
the number of frames sent for it. Classes that share a counter are summed.
Bounded: COUNT_PER_CLASS frames per class, paced so no queue overflows.
"""
import json
import socket
import struct
import sys
import time

SRC4, DST4 = socket.inet_aton("192.0.2.2"), socket.inet_aton("192.0.2.1")
SRC6 = socket.inet_pton(socket.AF_INET6, "2001:db8:e::2")
DST6 = socket.inet_pton(socket.AF_INET6, "2001:db8:e::1")


from inet import checksum as csum


def eth(dst, src, ethertype, payload):
    return dst + src + struct.pack("!H", ethertype) + payload


def ipv4(payload, proto=1, ihl=5, version=4, total=None, frag=0, good_checksum=True):
    total = 20 + len(payload) if total is None else total
    hdr = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, 0, total, 1, frag, 64, proto, 0, SRC4, DST4)
    c = csum(hdr)
    if not good_checksum:
        c ^= 0x5A5A
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def icmp_echo(good_checksum=True):
    body = struct.pack("!BBHHH", 8, 0, 0, 7, 1) + b"x" * 24
    c = csum(body)
    if not good_checksum:
        c ^= 0x1111
    return body[:2] + struct.pack("!H", c) + body[4:]


def tcp_syn(src, dst, pseudo_tail, good_checksum=True):
    """A SYN to port 443; pseudo_tail: the pseudo-header's protocol and length part."""
    seg = struct.pack("!HHIIBBHHH", 40000, 443, 1, 0, 5 << 4, 0x02, 65535, 0, 0)
    c = csum(src + dst + pseudo_tail + seg)
    if not good_checksum:
        c ^= 0x3333
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def ipv6(payload, nh=58, hop=64, src=SRC6, dst=DST6, plen=None, version=6):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", version << 28, plen, nh, hop, src, dst) + payload


def icmp6(msg, src=SRC6, dst=DST6, good_checksum=True):
    pseudo = src + dst + struct.pack("!I3xB", len(msg), 58)
    c = csum(pseudo + msg[:2] + b"\0\0" + msg[4:])
    if not good_checksum:
        c ^= 0x2222
    return msg[:2] + struct.pack("!H", c) + msg[4:]


def ns(target=DST6, options=b""):
    return struct.pack("!BBHI", 135, 0, 0, 0) + target + options


def solicited_node(addr):
    """ff02::1:ffXX:XXXX (RFC 4291 2.7.1)."""
    return bytes.fromhex("ff02" + "0000" * 4 + "0001" + "ff") + addr[13:]


def classes(gw, me):
    arp = lambda hlen=6, tip=DST4: struct.pack("!HHBBH", 1, 0x0800, hlen, 4, 1) + me + SRC4 + b"\0" * 6 + tip
    sll = struct.pack("!BB", 1, 1) + me
    snm = solicited_node(DST6)
    unspecified = b"\0" * 16
    return [
        # A frame shorter than an Ethernet header cannot cross a veth (the kernel refuses
        # it); a bare header is the shortest frame that can, and its IP part is missing.
        ("drop_ipv4_truncated", eth(gw, me, 0x0800, b"")),
        ("drop_eth_unknown_ethertype", eth(gw, me, 0x88B5, b"local experimental" * 3)),
        ("drop_eth_unknown_ethertype", eth(gw, me, 0x8100, b"\x00\x05\x08\x00" + b"\0" * 40)),
        ("drop_eth_other_host", eth(b"\x02\x00\x00\x00\x00\x99", me, 0x0800, ipv4(icmp_echo()))),
        ("drop_arp_truncated", eth(gw, me, 0x0806, b"\x00\x01\x08\x00\x06")),
        ("drop_arp_malformed", eth(gw, me, 0x0806, arp(hlen=8))),
        ("drop_arp_not_for_us", eth(gw, me, 0x0806, arp(tip=socket.inet_aton("192.0.2.99")))),
        ("drop_ipv4_truncated", eth(gw, me, 0x0800, b"\x45\x00\x00\x14\x00")),
        ("drop_ipv4_bad_version", eth(gw, me, 0x0800, ipv4(icmp_echo(), version=5))),
        ("drop_ipv4_bad_header_length", eth(gw, me, 0x0800, ipv4(icmp_echo(), ihl=3))),
        ("drop_ipv4_bad_total_length", eth(gw, me, 0x0800, ipv4(icmp_echo(), total=1400))),
        ("drop_ipv4_bad_checksum", eth(gw, me, 0x0800, ipv4(icmp_echo(), good_checksum=False))),
        ("drop_tcp_bad_checksum", eth(gw, me, 0x0800, ipv4(tcp_syn(SRC4, DST4, struct.pack("!xBH", 6, 20),
                                                                   good_checksum=False), proto=6))),
        ("drop_tcp_bad_checksum", eth(gw, me, 0x86DD, ipv6(tcp_syn(SRC6, DST6, struct.pack("!I3xB", 20, 6),
                                                                   good_checksum=False), nh=6))),
        ("drop_ipv4_fragment", eth(gw, me, 0x0800, ipv4(icmp_echo(), frag=0x2000))),
        ("drop_icmp_truncated", eth(gw, me, 0x0800, ipv4(b"\x08\x00\xf7"))),
        ("drop_icmp_bad_checksum", eth(gw, me, 0x0800, ipv4(icmp_echo(good_checksum=False)))),
        ("drop_ipv6_truncated", eth(gw, me, 0x86DD, b"\x60" + b"\0" * 19)),
        ("drop_ipv6_bad_version", eth(gw, me, 0x86DD, ipv6(b"\0" * 8, version=4))),
        ("drop_ipv6_bad_payload_length", eth(gw, me, 0x86DD, ipv6(b"\0" * 8, plen=1000))),
        ("drop_icmp6_bad_checksum",
         eth(gw, me, 0x86DD, ipv6(icmp6(struct.pack("!BBHHH", 128, 0, 0, 1, 1) + b"p" * 16, good_checksum=False)))),
        ("drop_nd_bad_hop_limit", eth(gw, me, 0x86DD, ipv6(icmp6(ns(options=sll)), hop=64))),
        ("drop_nd_truncated", eth(gw, me, 0x86DD, ipv6(icmp6(ns()[:16]), hop=255))),
        ("drop_nd_bad_option", eth(gw, me, 0x86DD, ipv6(icmp6(ns(options=b"\x01\x00" + me)), hop=255))),
        ("drop_nd_bad_option", eth(gw, me, 0x86DD, ipv6(icmp6(ns(options=b"\x01\x04" + me)), hop=255))),
        ("drop_nd_bad_dad", eth(gw, me, 0x86DD,
                                ipv6(icmp6(ns(options=sll), src=unspecified, dst=snm), hop=255, src=unspecified,
                                     dst=snm))),
    ]


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    ifname, gw, per_class = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", "")), int(sys.argv[3])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    me = s.getsockname()[4][:6]
    expected = {}
    sent = 0
    for counter, frame in classes(gw, me):
        for i in range(per_class):
            s.send(frame)
            sent += 1
            if sent % 50 == 0:
                time.sleep(0.005)  # pace: never overrun the appliance's RX ring
        expected[counter] = expected.get(counter, 0) + per_class
    print(json.dumps(expected))
    return 0


if __name__ == "__main__":
    sys.exit(main())
