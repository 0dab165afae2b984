#!/usr/bin/env python3
"""Attackers of the hostile-peers issue, with raw packets from the client namespace.

usage: hostile_peer.py IFACE GW_MAC MODE [options]

  ooo --src IP --port P --conns N --segments M --spacing S
        N connections from one source (an address nobody in the namespace owns,
        so the kernel stays out of them), each sending M one-byte segments
        beyond a one-byte gap, S bytes apart (1: a contiguous run, 2: a byte of
        hole between each). The connections stay open until --hold seconds pass.
  paws --port P
        A real kernel TCP connection to port P echoes "one"; four spoofed ACKs
        with its 4-tuple, an old sequence number and a timestamp far ahead
        follow; then it must still echo "two".
  mcast-syn --port P
        A SYN to ff02::1 (and to the appliance's solicited-node group): nothing
        must come back.
  grow-stall --src IP --port P --conns N [--grow-bytes G] [--stall-bytes S] [--outstanding O] [--hold H]
        N connections with window scaling to the echo port P. Each sends data and
        acknowledges every echoed segment until G echoed bytes came back (the
        server's congestion window, and with it its send queue's cap, grows),
        then stops acknowledging and sends S more bytes: the server now holds a
        full send queue and receive queue for each. Held until H seconds pass,
        then each is reset.
  grow-ooo --src IP --port P --conns N [--window-bytes W] [--lose-every L] [--hold H]
        N connections with timestamps and window scaling to the discard port P,
        each a window-bound sender: it sends all the window the server offers,
        and more as each acknowledgement moves it, echoing the server's TSval,
        until the server offers W bytes (its receive window grew with what it
        took per RTT). Then each leaves a one-byte hole and fills the rest of
        that window out of order. Held until H seconds pass, then each is reset.
        With L, every L-th segment of the growing phase is not sent (a lossy
        path): the sender goes back to the server's acknowledgement after a
        quiet spell, as it would after any loss on the way.
  zero-window --src IP --port P
        A connection that advertises a zero window from its SYN on, sends a bad
        HTTP request so the server answers and closes, and then stays silent.

Every mode prints one JSON line. Loops are bounded in count and time.
"""
import json
import random
import socket
import struct
import sys
import time

from inet import checksum

APPLIANCE_V4 = "192.0.2.1"
APPLIANCE_V6 = "2001:db8:e::1"
CLIENT_V6 = "2001:db8:e::2"
ETH_P_ALL = 0x0003
F_FIN, F_SYN, F_RST, F_PSH, F_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def opt(args, name, default=None, kind=str):
    if name in args:
        return kind(args[args.index(name) + 1])
    if default is None:
        raise SystemExit(f"missing {name}")
    return default


class Wire:
    """Frames in and out of IFACE, the appliance behind gw_mac."""

    def __init__(self, ifname, gw_mac):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.s.bind((ifname, 0))
        # FORCE: SO_RCVBUF alone stops at net.core.rmem_max (208 KiB), which
        # the server's bursts overflow, and a frame lost here looks like loss
        # on the path to the server (its cwnd halves).
        self.s.setsockopt(socket.SOL_SOCKET, 33, 1 << 25)  # SO_RCVBUFFORCE (Python has no name for it)
        self.me = self.s.getsockname()[4][:6]
        self.gw = bytes.fromhex(gw_mac.replace(":", ""))
        self.syn_wscale = {}  # (server address, its port, our port) -> the window scale its SYN-ACK sent

    def send_v4(self, src, dst, tcp):
        s, d = socket.inet_aton(src), socket.inet_aton(dst)
        tcp = tcp[:16] + struct.pack("!H", checksum(s + d + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0, 64, 6, 0, s, d)
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        self.send(self.gw + self.me + b"\x08\x00" + ip + tcp)

    def send(self, frame):
        for _ in range(1000):
            try:
                self.s.send(frame)
                return
            except BlockingIOError:
                time.sleep(0.0005)
            except OSError as e:  # ENOBUFS: the veth queue is full for a moment
                if e.errno != 105:
                    raise
                time.sleep(0.0005)

    def recv_v4_tcp(self, timeout):
        """Yield (src, dst, sport, dport, seq, ack, flags, window, payload, tsval) of IPv4 TCP frames."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            self.s.settimeout(left)
            try:
                f = self.s.recv(65536)
            except socket.timeout:
                return
            if len(f) < 54 or f[12:14] != b"\x08\x00" or f[23] != 6:
                continue
            ihl = (f[14] & 15) * 4
            t = f[14 + ihl:]
            sport, dport, seq, ack, off, flags, win = struct.unpack("!HHIIBBH", t[:16])
            tsval = None
            opts = t[20:(off >> 4) * 4]
            i = 0
            while i < len(opts):
                if opts[i] == 0:
                    break
                if opts[i] == 1:
                    i += 1
                    continue
                if i + 1 >= len(opts) or opts[i + 1] < 2:
                    break
                if opts[i] == 8 and opts[i + 1] == 10:
                    tsval = struct.unpack("!II", opts[i + 2:i + 10])
                if opts[i] == 3 and opts[i + 1] == 3 and flags & F_SYN:
                    self.syn_wscale[(socket.inet_ntoa(f[26:30]), sport, dport)] = opts[i + 2]
                i += opts[i + 1]
            yield (socket.inet_ntoa(f[26:30]), socket.inet_ntoa(f[30:34]), sport, dport, seq, ack, flags, win,
                   t[(off >> 4) * 4:], tsval)


def tcp(sport, dport, seq, ack, flags, win=65535, payload=b"", opts=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                       (5 + len(opts) // 4) << 4, flags, win, 0, 0) + opts + payload


def timestamps_option(tsval, tsecr):
    return b"\x01\x01\x08\x0a" + struct.pack("!II", tsval & 0xFFFFFFFF, tsecr & 0xFFFFFFFF)


def handshake(wire, src, port, sports, win=65535, timeout=10.0, wscale=None, with_ts=False):
    """SYN from every source port, then ACK every SYN-ACK. Returns {sport: (our_next, their_next)}."""
    rng = random.Random(11)
    isn = {sp: rng.getrandbits(32) for sp in sports}
    conns = {}
    mss = b"\x02\x04\x05\xb4" + (b"\x01\x03\x03" + bytes([wscale]) if wscale is not None else b"")
    mss += timestamps_option(1, 0) if with_ts else b""
    for sp in sports:
        wire.send_v4(src, APPLIANCE_V4, tcp(sp, port, isn[sp], 0, F_SYN, win, opts=mss))
    deadline = time.monotonic() + timeout
    while len(conns) < len(sports) and time.monotonic() < deadline:
        for s, d, sp_, dp, seq, ack, flags, w, payload, ts in wire.recv_v4_tcp(0.2):
            if d != src or s != APPLIANCE_V4 or dp not in isn or sp_ != port:
                continue
            if flags & (F_SYN | F_ACK) == F_SYN | F_ACK and ack == (isn[dp] + 1) & 0xFFFFFFFF and dp not in conns:
                conns[dp] = (isn[dp] + 1, seq + 1)
                echo = timestamps_option(2, ts[0]) if with_ts and ts else b""
                wire.send_v4(src, APPLIANCE_V4, tcp(dp, port, isn[dp] + 1, seq + 1, F_ACK, win, opts=echo))
            if len(conns) == len(sports):
                break
    return conns


def mode_ooo(wire, args):
    src, port = opt(args, "--src"), opt(args, "--port", kind=int)
    n, m = opt(args, "--conns", kind=int), opt(args, "--segments", kind=int)
    spacing, hold = opt(args, "--spacing", 1, int), opt(args, "--hold", 0.0, float)
    base = opt(args, "--first-port", 20000, int)
    start = time.monotonic()
    conns = handshake(wire, src, port, list(range(base, base + n)))
    opened = time.monotonic()
    sent = 0
    for k in range(m):
        for sp, (ours, theirs) in conns.items():
            # One byte of hole at `ours`, then bytes `spacing` apart beyond it.
            seq = ours + 1 + k * spacing
            wire.send_v4(src, APPLIANCE_V4, tcp(sp, port, seq, theirs, F_ACK | F_PSH, 65535, bytes([65 + k % 26])))
            sent += 1
            if time.monotonic() - start > 120:
                break
    sent_at = time.monotonic()
    print(json.dumps({"connections": len(conns), "segments_sent": sent, "handshake_s": round(opened - start, 2),
                      "send_s": round(sent_at - opened, 2)}), flush=True)
    time.sleep(max(0.0, hold - (time.monotonic() - start)))
    return 0 if len(conns) == n else 1


def mode_paws(wire, args):
    port = opt(args, "--port", kind=int)
    victim = socket.create_connection((APPLIANCE_V4, port), timeout=5)
    victim.sendall(b"one")
    got = victim.recv(16)
    lport = victim.getsockname()[1]
    last = None
    # The victim's own segments, as an on-path observer would see them: its
    # 4-tuple is what the attacker needs; the sequence number used is old.
    for s, d, sp, dp, seq, ack, flags, w, payload, ts in wire.recv_v4_tcp(0.5):
        if sp == lport and dp == port and s == "192.0.2.2":
            last = (seq + len(payload), ack, ts)
    if last is None or last[2] is None:
        print(json.dumps({"error": "no segment with timestamps seen from the victim"}))
        return 1
    seq, ack, (tsval, tsecr) = last
    for i in range(4):
        ts_opt = b"\x01\x01\x08\x0a" + struct.pack("!II", (tsval + 0x40000000) & 0xFFFFFFFF, tsecr)
        wire.send_v4("192.0.2.2", APPLIANCE_V4, tcp(lport, port, seq - 100000 - i * 1000, ack, F_ACK, 502,
                                                       opts=ts_opt))
    time.sleep(0.2)
    victim.sendall(b"two")
    victim.settimeout(3)
    try:
        after = victim.recv(16)
    except socket.timeout:
        after = b""
    victim.close()
    print(json.dumps({"before": got.decode(errors="replace"), "after": after.decode(errors="replace")}))
    return 0


def mode_mcast_syn(wire, args):
    port = opt(args, "--port", kind=int)
    src = socket.inet_pton(socket.AF_INET6, CLIENT_V6)
    solicited = socket.inet_pton(socket.AF_INET6, "ff02::1:ff00:1")
    answers = 0
    for group in (socket.inet_pton(socket.AF_INET6, "ff02::1"), solicited):
        t = tcp(33333, port, 12345, 0, F_SYN, 65535, opts=b"\x02\x04\x05\xa0")
        pseudo = src + group + struct.pack("!I", len(t)) + b"\0\0\0\x06"
        t = t[:16] + struct.pack("!H", checksum(pseudo + t)) + t[18:]
        ip6 = struct.pack("!IHBB", 0x60000000, len(t), 6, 64) + src + group
        mac = b"\x33\x33" + group[12:]
        wire.send(mac + wire.me + b"\x86\xdd" + ip6 + t)
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        wire.s.settimeout(max(0.01, end - time.monotonic()))
        try:
            f = wire.s.recv(65536)
        except socket.timeout:
            break
        if len(f) > 54 + 20 and f[12:14] == b"\x86\xdd" and f[20] == 6 and f[54:56] == struct.pack("!H", port):
            answers += 1
    print(json.dumps({"answers": answers}))
    return 0


def seq_after(a, b):
    """Whether sequence number a is after b (modulo 2^32)."""
    return 0 < ((a - b) & 0xFFFFFFFF) < 0x80000000


def hold_then_reset(wire, src, port, st, until):
    """Hold the connections until the monotonic time `until`, then reset each.

    Meanwhile the server's acknowledgements say how far it took our data (its
    rcv_nxt), which is where a reset must be to count (RFC 5961 3.2)."""
    while time.monotonic() < until:
        for a, d, sp, dp, seq, ack, flags, w, payload, ts in wire.recv_v4_tcp(0.5):
            if d == src and sp == port and dp in st and seq_after(ack, st[dp]["acked"]):
                st[dp]["acked"] = ack
    for sp, s in st.items():
        wire.send_v4(src, APPLIANCE_V4, tcp(sp, port, s["acked"], 0, F_RST, 0))


def mode_grow_stall(wire, args):
    src, port, n = opt(args, "--src"), opt(args, "--port", kind=int), opt(args, "--conns", kind=int)
    grow, stall = opt(args, "--grow-bytes", 400000, int), opt(args, "--stall-bytes", 262144, int)
    hold, base = opt(args, "--hold", 0.0, float), opt(args, "--first-port", 40000, int)
    # Ours unacknowledged at most: --outstanding stays under the server's
    # window (a segment beyond it is dropped, and an ACK riding on it with
    # it), and must exceed half the cwnd that makes the server's send queue
    # outgrow its starting cap (cwnd grows only while it limits the sender).
    mss, outstanding = 1400, opt(args, "--outstanding", 61440, int)
    start = time.monotonic()
    conns = handshake(wire, src, port, list(range(base, base + n)), wscale=7)  # our 65535 is 8 MiB
    st = {sp: {"ours": o, "acked": o, "theirs": t, "echoed": 0} for sp, (o, t) in conns.items()}

    def top_up(sp, s):
        while (s["ours"] - s["acked"]) & 0xFFFFFFFF < outstanding:
            wire.send_v4(src, APPLIANCE_V4, tcp(sp, port, s["ours"], s["theirs"], F_ACK | F_PSH, 65535, bytes(mss)))
            s["ours"] = (s["ours"] + mss) & 0xFFFFFFFF

    for sp, s in st.items():
        top_up(sp, s)
    growing, deadline = set(st), start + 120
    while growing and time.monotonic() < deadline:
        for a, d, sp, dp, seq, ack, flags, w, payload, ts in wire.recv_v4_tcp(0.5):
            if d != src or sp != port or dp not in growing:
                continue
            s = st[dp]
            if seq_after(ack, s["acked"]) and not seq_after(ack, s["ours"]):
                s["acked"] = ack
            if not payload:
                continue  # its acknowledgement of our data: answering it would be a duplicate ACK
            if seq == s["theirs"]:
                s["theirs"] = (seq + len(payload)) & 0xFFFFFFFF
                s["echoed"] += len(payload)
            else:
                s["out_of_order"] = s.get("out_of_order", 0) + 1
            # Every segment acknowledged on its own: slow start adds an MSS for each.
            wire.send_v4(src, APPLIANCE_V4, tcp(dp, port, s["ours"], s["theirs"], F_ACK, 65535))
            if s["echoed"] >= grow:
                growing.discard(dp)
            else:
                top_up(dp, s)
            if not growing or time.monotonic() > deadline:
                break
    grown_at = time.monotonic()
    # The stall: acknowledgements stop (ours stay at `theirs`), data keeps coming.
    for sp, s in st.items():
        for _ in range(stall // mss):
            wire.send_v4(src, APPLIANCE_V4, tcp(sp, port, s["ours"], s["theirs"], F_ACK | F_PSH, 65535, bytes(mss)))
            s["ours"] = (s["ours"] + mss) & 0xFFFFFFFF
    print(json.dumps({"connections": len(conns), "grown": sum(1 for s in st.values() if s["echoed"] >= grow),
                      "echoed_bytes": sum(s["echoed"] for s in st.values()),
                      "out_of_order": sum(s.get("out_of_order", 0) for s in st.values()),
                      "grow_s": round(grown_at - start, 2)}), flush=True)
    hold_then_reset(wire, src, port, st, start + hold)
    return 0 if len(conns) == n else 1


def mode_grow_ooo(wire, args):
    src, port, n = opt(args, "--src"), opt(args, "--port", kind=int), opt(args, "--conns", kind=int)
    target, hold = opt(args, "--window-bytes", 1 << 20, int), opt(args, "--hold", 0.0, float)
    base, mss = opt(args, "--first-port", 41000, int), 1400
    lose_every = opt(args, "--lose-every", 0, int)
    start = time.monotonic()
    conns = handshake(wire, src, port, list(range(base, base + n)), wscale=7, with_ts=True)
    st = {}
    for sp, (ours, theirs) in conns.items():
        scale = wire.syn_wscale.get((APPLIANCE_V4, port, sp), 0)
        # The SYN-ACK's window is never scaled: the first ACK gives the real edge.
        st[sp] = {"ours": ours, "acked": ours, "edge": ours + 65535 // 2, "theirs": theirs, "scale": scale,
                  "echo": 0, "tsval": 3, "offered": 0, "progress_at": time.monotonic(), "sent_max": ours}

    def send(sp, s, seq, length, lossy=False):
        s["tsval"] += 1
        if lossy and lose_every and s["tsval"] % lose_every == 0:
            return
        wire.send_v4(src, APPLIANCE_V4, tcp(sp, port, seq, s["theirs"], F_ACK | F_PSH, 65535, bytes(length),
                                            opts=timestamps_option(s["tsval"], s["echo"])))

    growing, deadline, sent = set(st), start + 90, 0
    while growing and time.monotonic() < deadline:
        for sp in growing:  # all the window offered, as a window-bound sender
            s = st[sp]
            # A segment lost on the way (a full RX ring on a busy machine) stalls the window:
            # after a quiet spell, send again from what the server has (go-back-N).
            if s["ours"] != s["acked"] and time.monotonic() - s["progress_at"] > 0.3:
                s["ours"], s["progress_at"] = s["acked"], time.monotonic()
            while ((s["edge"] - s["ours"]) & 0xFFFFFFFF) >= mss and not seq_after(s["ours"], s["edge"]):
                send(sp, s, s["ours"], mss, lossy=True)
                s["ours"] = (s["ours"] + mss) & 0xFFFFFFFF
                if seq_after(s["ours"], s["sent_max"]):
                    s["sent_max"] = s["ours"]
                sent += 1
        for a, d, sp, dp, seq, ack, flags, w, payload, ts in wire.recv_v4_tcp(0.02):
            if d != src or sp != port or dp not in st:
                continue
            s = st[dp]
            if seq_after(ack, s["acked"]) and not seq_after(ack, s["sent_max"]):
                s["acked"], s["progress_at"] = ack, time.monotonic()
                if seq_after(ack, s["ours"]):  # a hole filled: what we sent before the go-back is in
                    s["ours"] = ack
            edge = (ack + (w << s["scale"])) & 0xFFFFFFFF
            if seq_after(edge, s["edge"]):
                s["edge"] = edge
            s["offered"] = max(s["offered"], (edge - ack) & 0xFFFFFFFF)
            if ts:
                s["echo"] = ts[0]
            if s["offered"] >= target:
                growing.discard(dp)
    grown_at = time.monotonic()
    # The flood: a one-byte hole where the server waits, then the rest of the window beyond it.
    # Sent three times over: on a busy machine a burst this size overflows the port's RX ring
    # (one CI run held 6,428 of 15,531 segments), and a real attacker resends what was lost;
    # the segments that did land come again as duplicates, which hold nothing more.
    ooo = 0
    for flood_pass in range(3):
        for sp, s in st.items():
            seq = (s["acked"] + 1) & 0xFFFFFFFF
            while ((s["edge"] - seq) & 0xFFFFFFFF) >= mss and not seq_after(seq, s["edge"]):
                send(sp, s, seq, mss)
                seq = (seq + mss) & 0xFFFFFFFF
                ooo += flood_pass == 0
        time.sleep(0.3)
    print(json.dumps({"connections": len(conns), "grown": sum(1 for s in st.values() if s["offered"] >= target),
                      "smallest_window": min((s["offered"] for s in st.values()), default=0),
                      "segments_sent": sent, "out_of_order_segments": ooo,
                      "grow_s": round(grown_at - start, 2)}), flush=True)
    hold_then_reset(wire, src, port, st, start + hold)
    return 0 if len(conns) == n else 1


def mode_zero_window(wire, args):
    src, port = opt(args, "--src"), opt(args, "--port", kind=int)
    conns = handshake(wire, src, port, [30000], win=0)
    if not conns:
        print(json.dumps({"error": "no handshake"}))
        return 1
    ours, theirs = conns[30000]
    wire.send_v4(src, APPLIANCE_V4, tcp(30000, port, ours, theirs, F_ACK | F_PSH, 0, b"BREW /coffee HTTP/1.1\r\n\r\n"))
    print(json.dumps({"connected": True}))
    return 0


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    wire = Wire(sys.argv[1], sys.argv[2])
    modes = {"ooo": mode_ooo, "paws": mode_paws, "mcast-syn": mode_mcast_syn, "zero-window": mode_zero_window,
             "grow-stall": mode_grow_stall, "grow-ooo": mode_grow_ooo}
    if sys.argv[3] not in modes:
        print(__doc__, file=sys.stderr)
        return 2
    return modes[sys.argv[3]](wire, sys.argv[4:])


if __name__ == "__main__":
    sys.exit(main())
