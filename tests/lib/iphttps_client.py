#!/usr/bin/env python3
"""An IP-HTTPS test client on Python's ssl module (a real TLS stack), for the
netns tests: opens sessions, sends framed IPv6 packets (ICMPv6 echo requests
to the server's link address) cut at chosen byte boundaries, and checks the
echo replies that come back framed in the response body.

Modes (each prints one JSON line; exit status 0 only when "ok" is true):
  session     one session: every cut of a packet, then a byte-per-record stream
  concurrent  N sessions at once (asyncio), session i cutting its stream at
              every boundary in turn, all checked
  bad         a good session, then one that sends a non-IPv6 packet: that one
              is closed, the good one still echoes
  hold        open N sessions one after another and say which got 200
  request     send a raw request (hex or text) and print the status line
"""
import argparse
import asyncio
import ipaddress
import json
import os
import socket
import ssl
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inet import checksum  # noqa: E402

SERVER_LINK = "fe80::1"
REQUEST = ("POST {uri} HTTP/1.1\r\nHost: {host}\r\n"
           "Content-Length: 18446744073709551615\r\n\r\n")


def echo_request(src, dst, ident, seq, payload):
    """An IPv6 packet carrying an ICMPv6 echo request, checksum filled."""
    s = ipaddress.IPv6Address(src).packed
    d = ipaddress.IPv6Address(dst).packed
    icmp = struct.pack("!BBHHH", 128, 0, 0, ident, seq) + payload
    pseudo = s + d + struct.pack("!I3xB", len(icmp), 58)
    icmp = icmp[:2] + struct.pack("!H", checksum(pseudo + icmp)) + icmp[4:]
    return struct.pack("!IHBB", 6 << 28, len(icmp), 58, 64) + s + d + icmp


def parse_echo_reply(pkt):
    """(src, dst, ident, seq, payload) of an echo reply packet, or None."""
    if len(pkt) < 48 or pkt[0] >> 4 != 6 or pkt[6] != 58 or pkt[40] != 129:
        return None
    icmp = pkt[40:]
    pseudo = pkt[8:40] + struct.pack("!I3xB", len(icmp), 58)
    if checksum(pseudo + icmp[:2] + b"\0\0" + icmp[4:]) != struct.unpack("!H", icmp[2:4])[0]:
        return None
    ident, seq = struct.unpack("!HH", icmp[4:8])
    return (str(ipaddress.IPv6Address(pkt[8:24])), str(ipaddress.IPv6Address(pkt[24:40])), ident, seq,
            icmp[8:])


class Deframer:
    """IPv6 packets out of the response body, by Payload Length."""

    def __init__(self):
        self.buf = b""

    def feed(self, data):
        self.buf += data
        out = []
        while len(self.buf) >= 40:
            n = 40 + struct.unpack("!H", self.buf[4:6])[0]
            if len(self.buf) < n:
                break
            out.append(self.buf[:n])
            self.buf = self.buf[n:]
        return out


def tls_context(args):
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=args.ca)
    ctx.check_hostname = False  # the lab reaches the server by IP; the chain is still verified
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    if args.tls_max:
        ctx.maximum_version = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[args.tls_max]
    return ctx


def read_head(sock_recv):
    """Read a response head; returns (status line, headers dict, leftover body bytes)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock_recv()
        if not chunk:
            raise ConnectionError(f"closed before the response head ({data[:80]!r})")
        data += chunk
        if len(data) > 16384:
            raise ValueError("response head too long")
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, v = line.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    return lines[0], headers, rest


def connect(args):
    raw = socket.create_connection((args.host, args.port), timeout=args.timeout)
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if args.proxy_v1:
        raw.sendall(f"PROXY {args.proxy_v1}\r\n".encode())
    if args.plain:
        return raw
    return tls_context(args).wrap_socket(raw)


def open_session(args):
    s = connect(args)
    s.sendall(REQUEST.format(uri=args.uri, host=args.host).encode())
    status, headers, rest = read_head(lambda: s.recv(65536))
    return s, status, headers, rest


def mode_session(args):
    """Every cut of one packet (two records each), then a stream sent one byte per record."""
    s, status, headers, rest = open_session(args)
    result = {"status": status, "date": "date" in headers, "server": headers.get("server")}
    if not status.startswith("HTTP/1.1 200"):
        result["ok"] = False
        return result
    src = args.source
    deframer = Deframer()
    replies = [p for p in deframer.feed(rest)]
    payload = bytes(range(24))
    pkt_len = len(echo_request(src, SERVER_LINK, 1, 0, payload))
    sent = 0
    for cut in range(1, pkt_len):
        p = echo_request(src, SERVER_LINK, 1, cut, payload)
        s.sendall(p[:cut])  # one TLS record
        s.sendall(p[cut:])  # another
        sent += 1
    stream = b"".join(echo_request(src, SERVER_LINK, 2, i, payload[:i]) for i in range(8))
    for i in range(len(stream)):
        s.sendall(stream[i:i + 1])
    sent += 8
    deadline = time.time() + args.timeout
    while len(replies) < sent and time.time() < deadline:
        data = s.recv(65536)
        if not data:
            break
        replies += deframer.feed(data)
    good = 0
    for r in replies:
        parsed = parse_echo_reply(r)
        if parsed and parsed[0] == SERVER_LINK and parsed[1] == src:
            good += 1
    result.update({"sent": sent, "replies": len(replies), "valid": good, "packet_bytes": pkt_len,
                   "ok": good == sent and len(replies) == sent})
    s.close()
    return result


async def one_concurrent(args, ctx, i, barrier_event, stats, opening):
    try:
        # Sessions open a few dozen at a time (as clients arrive in the field),
        # so no handshake waits behind a thousand others past its deadline.
        async with opening:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(args.host, args.port, ssl=None if args.plain else ctx), args.timeout)
            writer.write(REQUEST.format(uri=args.uri, host=args.host).encode())
            buf = b""
            while b"\r\n\r\n" not in buf:
                chunk = await asyncio.wait_for(reader.read(65536), args.timeout)
                if not chunk:
                    raise ConnectionError("closed before the response")
                buf += chunk
        head, rest = buf.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 200"):
            raise ValueError(head[:40])
        stats["up"] += 1
        await barrier_event.wait()  # every session is up before any sends: they all overlap
        src = str(ipaddress.IPv6Address(args.source) + i)
        pkts = [echo_request(src, SERVER_LINK, i & 0xFFFF, k, os.urandom(8 + (i + k) % 40)) for k in range(4)]
        stream = b"".join(pkts)
        cut = 1 + i % (len(stream) - 1)  # session i cuts at boundary i: all boundaries are covered
        writer.write(stream[:cut])
        await writer.drain()
        await asyncio.sleep(0.01)
        writer.write(stream[cut:])
        await writer.drain()
        deframer = Deframer()
        replies = deframer.feed(rest)
        while len(replies) < len(pkts):
            chunk = await asyncio.wait_for(reader.read(65536), args.timeout)
            if not chunk:
                raise ConnectionError("closed before all replies")
            replies += deframer.feed(chunk)
        for k, r in enumerate(replies):
            parsed = parse_echo_reply(r)
            if not parsed or parsed[1] != src or parsed[3] != k or parsed[4] != pkts[k][48:]:
                raise ValueError(f"reply {k} wrong")
        stats["ok"] += 1
        stats["cuts"].add(cut)
        writer.close()
    except Exception as e:  # noqa: BLE001 - every failure is reported by kind
        stats["errors"][type(e).__name__ + ": " + str(e)[:60]] = stats["errors"].get(
            type(e).__name__ + ": " + str(e)[:60], 0) + 1


async def run_concurrent(args):
    ctx = None if args.plain else tls_context(args)
    barrier_event = asyncio.Event()
    stats = {"up": 0, "ok": 0, "errors": {}, "cuts": set()}
    opening = asyncio.Semaphore(32)
    tasks = [asyncio.create_task(one_concurrent(args, ctx, i, barrier_event, stats, opening))
             for i in range(args.sessions)]
    deadline = time.time() + args.timeout
    while stats["up"] + sum(stats["errors"].values()) < args.sessions and time.time() < deadline:
        await asyncio.sleep(0.05)
    up_at_once = stats["up"]
    barrier_event.set()
    await asyncio.wait(tasks, timeout=args.timeout)
    return {"sessions": args.sessions, "up_at_once": up_at_once, "ok_sessions": stats["ok"],
            "distinct_cuts": len(stats["cuts"]), "errors": stats["errors"],
            "ok": stats["ok"] == args.sessions and up_at_once == args.sessions}


def mode_bad(args):
    good, status, _, rest = open_session(args)
    bad, status_bad, _, _ = open_session(args)
    ok = status.startswith("HTTP/1.1 200") and status_bad.startswith("HTTP/1.1 200")

    def echo_once(s, seq):
        return echo_on(args, s, seq)

    before = echo_once(good, 1)
    # An IPv4 header where an IPv6 packet belongs.
    bad.sendall(bytes([0x45, 0, 0, 28]) + bytes(24))
    bad.settimeout(args.timeout)
    closed = False
    try:
        while True:
            data = bad.recv(65536)
            if not data:
                closed = True
                break
    except (ssl.SSLError, ConnectionResetError):
        closed = True
    after = echo_once(good, 2)
    return {"good_echo_before": before, "bad_closed": closed, "good_echo_after": after,
            "ok": ok and before and closed and after}


def echo_on(args, s, seq):
    """One echo request to the server's link address on session s: whether its reply came."""
    s.sendall(echo_request(args.source, SERVER_LINK, 7, seq, b"still-here"))
    d = Deframer()
    s.settimeout(args.timeout)
    try:
        while True:
            data = s.recv(65536)
            if not data:
                return False
            for p in d.feed(data):
                parsed = parse_echo_reply(p)
                return bool(parsed and parsed[3] == seq)
    except (ConnectionError, ssl.SSLError, OSError):
        return False


def mode_hold(args):
    """Open N sessions one after another and hold them: which got 200, which were turned away."""
    held, statuses = [], []
    for _ in range(args.sessions):
        try:
            s, status, _, _ = open_session(args)
            statuses.append(status.split(" ")[1] if status.startswith("HTTP/1.1") else status)
            held.append(s)
        except (ConnectionError, ssl.SSLError, OSError) as e:
            statuses.append("closed" if isinstance(e, ConnectionError) else type(e).__name__)
    time.sleep(args.hold_seconds)
    result = {"statuses": statuses, "ok": True}
    if args.echo_after:
        # Is each held link still carrying packets after the hold?
        result["echoed_after_hold"] = [echo_on(args, s, 3) for s in held]
    for s in held:
        s.close()
    return result


def mode_request(args):
    s = connect(args)
    data = bytes.fromhex(args.raw_hex) if args.raw_hex else args.raw.encode().decode("unicode_escape").encode(
        "latin-1")
    s.sendall(data)
    try:
        status, headers, _ = read_head(lambda: s.recv(65536))
    except (ConnectionError, ssl.SSLError, OSError) as e:
        return {"status": None, "error": str(e), "ok": False}
    # After an error status the server closes: the next read is the end.
    closed = False
    if not status.startswith("HTTP/1.1 200"):
        try:
            s.settimeout(args.timeout)
            closed = s.recv(65536) == b""
        except (ssl.SSLError, ConnectionResetError, socket.timeout):
            closed = False
    return {"status": status, "server": headers.get("server"), "date": "date" in headers,
            "allow": headers.get("allow"), "closed": closed, "ok": True}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["session", "concurrent", "bad", "hold", "request"])
    ap.add_argument("host")
    ap.add_argument("--port", type=int, default=443)
    ap.add_argument("--plain", action="store_true", help="plain HTTP (no TLS)")
    ap.add_argument("--uri", default="/IPHTTPS")
    ap.add_argument("--ca")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--tls-max", choices=["1.2", "1.3"])
    ap.add_argument("--source", default="2001:db8:c1::1000", help="client address inside the tunnel")
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--hold-seconds", type=float, default=0)
    ap.add_argument("--echo-after", action="store_true", help="hold: echo once on each session after the hold")
    ap.add_argument("--proxy-v1", help="send 'PROXY <this>' first (plain listeners with proxy_protocol v1)")
    ap.add_argument("--raw", help="request text (\\r\\n escapes)")
    ap.add_argument("--raw-hex")
    args = ap.parse_args()
    try:
        if args.mode == "session":
            res = mode_session(args)
        elif args.mode == "concurrent":
            res = asyncio.run(run_concurrent(args))
        elif args.mode == "bad":
            res = mode_bad(args)
        elif args.mode == "hold":
            res = mode_hold(args)
        else:
            res = mode_request(args)
    except (OSError, ssl.SSLError, ValueError) as e:
        res = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    print(json.dumps(res))
    sys.exit(0 if res.get("ok") else 1)


if __name__ == "__main__":
    main()
