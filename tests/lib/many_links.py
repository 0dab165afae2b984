#!/usr/bin/env python3
"""Many IP-HTTPS links at once, as one hostile host would open them (test_many_links.sh).

usage: many_links.py SERVER NAME CA SESSIONS CLAIMS HOLD_S [--prefix P] [--cert CRT --key KEY]
                     [--claim-source ADDR]...

Opens SESSIONS TLS sessions (asyncio, 100 handshakes in flight at a time),
sends the IP-HTTPS POST on each and waits for its 200 (LinkUp); then each
session sends CLAIMS DAD Neighbor Solicitations for addresses of its own in the
client prefix (the appliance holds at most 16 per client) and a burst of 20
echo requests to the server's link address from the first of them; then all
are held HOLD_S seconds and closed. Prints one JSON line: how many reached
LinkUp, how many were refused (and how), how many echo replies came back, how
many the server closed and when the last of those saw its close (Unix time).

--claim-source ADDR (repeatable): a hostile authenticated client's claim of
another's address. Each session then sends, instead of its own claims and
echoes, a Router Solicitation from each ADDR that is link-local and an echo
request to the server's link address from each other ADDR, as if ADDR were
its own.
"""
import asyncio
import ipaddress
import json
import os
import ssl
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inet import checksum  # noqa: E402
from iphttps_client import echo_request, parse_echo_reply, Deframer  # noqa: E402

REQUEST = b"POST /IPHTTPS HTTP/1.1\r\nHost: %s\r\nContent-Length: 18446744073709551615\r\n\r\n"


def router_solicitation(src):
    """An RS from src to all-routers, hop limit 255, no option (the link has no link-layer addresses)."""
    s = ipaddress.IPv6Address(src).packed
    d = ipaddress.IPv6Address("ff02::2").packed
    icmp = struct.pack("!BBHI", 133, 0, 0, 0)
    pseudo = s + d + struct.pack("!I3xB", len(icmp), 58)
    icmp = icmp[:2] + struct.pack("!H", checksum(pseudo + icmp)) + icmp[4:]
    return struct.pack("!IHBB", 6 << 28, len(icmp), 58, 255) + s + d + icmp


def dad_ns(target):
    """The DAD NS for target: from ::, to its solicited-node group, hop limit 255."""
    t = ipaddress.IPv6Address(target).packed
    src = bytes(16)
    dst = bytes.fromhex("ff0200000000000000000001ff") + t[13:]
    icmp = struct.pack("!BBHI", 135, 0, 0, 0) + t
    pseudo = src + dst + struct.pack("!I3xB", len(icmp), 58)
    icmp = icmp[:2] + struct.pack("!H", checksum(pseudo + icmp)) + icmp[4:]
    return struct.pack("!IHBB", 6 << 28, len(icmp), 58, 255) + src + dst + icmp


async def one(i, args, ctx, gate, out):
    prefix = int(ipaddress.IPv6Address(args["prefix"]))
    try:
        async with gate:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(args["server"], 443, ssl=ctx, server_hostname=args["name"]), 20)
            writer.write(REQUEST % args["name"].encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 20)
    except Exception as e:  # noqa: BLE001 - every way of failing is counted by name
        out["failed"][type(e).__name__] = out["failed"].get(type(e).__name__, 0) + 1
        return
    status = head.split(b"\r\n")[0].decode(errors="replace")
    if not status.startswith("HTTP/1.1 200"):
        out["refused"][status] = out["refused"].get(status, 0) + 1
        writer.close()
        return
    out["link_up"] += 1
    try:  # the server may close it at once (a session replaced by a newer one of its subject)
        if args["claim_sources"]:
            for a in args["claim_sources"]:
                if ipaddress.IPv6Address(a).is_link_local:
                    writer.write(router_solicitation(a))
                else:
                    writer.write(echo_request(a, "fe80::1", i & 0xFFFF, 0, b"mine"))
        else:
            addrs = [str(ipaddress.IPv6Address(prefix | (0x1000 + i) << 16 | k)) for k in range(args["claims"])]
            for a in addrs:
                writer.write(dad_ns(a))
            for seq in range(20 if addrs else 0):
                writer.write(echo_request(addrs[0], "fe80::1", i & 0xFFFF, seq, b"many"))
        await writer.drain()
    except ConnectionError:
        out["closed_by_server"] += 1
        out["last_closed_by_server_unix"] = max(out["last_closed_by_server_unix"], time.time())
        writer.close()
        return
    deframer, replies, end = Deframer(), 0, time.monotonic() + args["hold"]
    while time.monotonic() < end:
        try:
            data = await asyncio.wait_for(reader.read(65536), max(0.01, end - time.monotonic()))
        except asyncio.TimeoutError:
            break
        except Exception:  # noqa: BLE001
            break
        if not data:
            out["closed_by_server"] += 1
            out["last_closed_by_server_unix"] = max(out["last_closed_by_server_unix"], time.time())
            break
        for p in deframer.feed(data):
            if parse_echo_reply(p):
                replies += 1
    out["echo_replies"] += replies
    writer.close()


async def main():
    server, name, ca, sessions, claims, hold = sys.argv[1:7]
    args = {"server": server, "name": name, "claims": int(claims), "hold": float(hold),
            "prefix": sys.argv[sys.argv.index("--prefix") + 1] if "--prefix" in sys.argv else "2001:db8:c1::",
            "claim_sources": [sys.argv[k + 1] for k, a in enumerate(sys.argv) if a == "--claim-source"]}
    ctx = ssl.create_default_context(cafile=ca)
    if "--cert" in sys.argv:  # a client certificate, for certificates mode
        ctx.load_cert_chain(sys.argv[sys.argv.index("--cert") + 1], sys.argv[sys.argv.index("--key") + 1])
    out = {"sessions": int(sessions), "link_up": 0, "refused": {}, "failed": {}, "echo_replies": 0,
           "closed_by_server": 0, "last_closed_by_server_unix": 0}
    gate = asyncio.Semaphore(100)
    start = time.monotonic()
    await asyncio.gather(*(one(i, args, ctx, gate, out) for i in range(int(sessions))))
    out["seconds"] = round(time.monotonic() - start, 2)
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())
