#!/usr/bin/env python3
"""Send COUNT spoofed TCP SYNs to the appliance from a raw socket (bounded).

usage: syn_flood.py IFACE GW_MAC DST_IP DST_PORT COUNT [--seconds S]

Sources are spread over 198.18.0.0/15 (the benchmarking range, RFC 2544),
so nobody answers the SYN-ACKs: every one leaves a half-open connection or
a SYN cookie behind. Prints the number sent and the rate as JSON.
"""
import errno
import json
import random
import socket
import struct
import sys
import time


from inet import checksum as csum


def main():
    args = sys.argv[1:]
    seconds = 60.0
    if "--seconds" in args:
        i = args.index("--seconds")
        seconds = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    ifname, gw_mac, dst, dport, count = args[0], bytes.fromhex(args[1].replace(":", "")), \
        socket.inet_aton(args[2]), int(args[3]), int(args[4])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    me = s.getsockname()[4][:6]
    eth = gw_mac + me + b"\x08\x00"
    rng = random.Random(7)
    # MSS, SACK-permitted, timestamps, window scale: what a real client offers.
    opts = b"\x02\x04\x05\xb4\x04\x02\x08\x0a" + b"\0" * 8 + b"\x01\x03\x03\x07"
    start = time.monotonic()
    sent = 0
    while sent < count and time.monotonic() - start < seconds:
        src = struct.pack("!BBH", 198, 18 + (sent >> 16 & 1), sent & 0xFFFF)
        sport = 1024 + rng.randrange(60000)
        seq = rng.getrandbits(32)
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, (5 + len(opts) // 4) << 4, 0x02, 64240, 0, 0) + opts
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), sent & 0xFFFF, 0, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        try:
            s.send(eth + ip + tcp)
        except BlockingIOError:
            time.sleep(0.001)
            continue
        except OSError as e:
            if e.errno != errno.ENOBUFS:  # the device's queue is full, as above: wait and send it again
                raise
            time.sleep(0.001)
            continue
        sent += 1
        if sent % 64 == 0:
            time.sleep(0.0002)  # stay below what the veth backlog holds
    elapsed = time.monotonic() - start
    print(json.dumps({"sent": sent, "seconds": round(elapsed, 2), "per_second": int(sent / elapsed)}))
    return 0 if sent == count else 1


if __name__ == "__main__":
    sys.exit(main())
