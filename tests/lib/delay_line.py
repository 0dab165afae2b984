#!/usr/bin/env python3
"""A delay line between two interfaces of one namespace: a path with a round-trip time.

usage: delay_line.py IFACE_A IFACE_B ONE_WAY_MS [--seconds S] [--queue-frames N]

Every frame that arrives on IFACE_A leaves on IFACE_B ONE_WAY_MS later, and
the other way round: a far client's path for the benchmarks. This kernel has
no netem (nor fq, whose timestamps could delay), so the delay is kept here,
in user space, by raw packet sockets. Frames wait in FIFO order (the delay is
the same for all); past N frames waiting in one direction a frame is dropped,
as a router's queue drops. Runs at most S seconds (default 600), then prints
what it carried as one JSON line.
"""
import collections
import json
import select
import signal
import socket
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_IGNORE_OUTGOING = 23  # what we send out of an interface is not read back from it
SO_RCVBUFFORCE = 33
ENOBUFS = 105


def raw_socket(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 1 << 25)  # a window's burst must not overflow it
    s.setblocking(False)
    return s


class Stop(Exception):
    """SIGTERM: stop and say what was carried."""


def stop(*_):
    raise Stop


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        print(__doc__, file=sys.stderr)
        return 2

    def option(name, default):
        return float(args[args.index(name) + 1]) if name in args else default

    delay = float(args[2]) / 1000.0
    seconds, limit = option("--seconds", 600.0), int(option("--queue-frames", 20000))
    a, b = raw_socket(args[0]), raw_socket(args[1])
    # For each socket we read from: where its frames go, and those waiting (release time, frame).
    lines = {a: (b, collections.deque()), b: (a, collections.deque())}
    counts = {"carried": 0, "dropped": 0}
    signal.signal(signal.SIGTERM, stop)
    try:
        carry(a, b, lines, delay, limit, time.monotonic() + seconds, counts)
    except Stop:
        pass
    print(json.dumps(counts), flush=True)
    return 0


def carry(a, b, lines, delay, limit, end, counts):
    while True:
        now = time.monotonic()
        if now >= end:
            break
        waiting = [q[0][0] for _, q in lines.values() if q]
        timeout = min(end - now, max(0.0, min(waiting) - now) if waiting else 0.1)
        readable, _, _ = select.select([a, b], [], [], timeout)
        now = time.monotonic()
        for s in readable:
            q = lines[s][1]
            for _ in range(512):  # bounded per wakeup, so neither direction starves the other
                try:
                    frame = s.recv(65536)
                except BlockingIOError:
                    break
                if len(q) >= limit:
                    counts["dropped"] += 1
                else:
                    q.append((now + delay, frame))
        now = time.monotonic()
        for out, q in lines.values():
            while q and q[0][0] <= now:
                frame = q.popleft()[1]
                try:
                    out.send(frame)
                    counts["carried"] += 1
                except BlockingIOError:
                    counts["dropped"] += 1
                except OSError as e:
                    if e.errno != ENOBUFS:
                        raise
                    counts["dropped"] += 1


if __name__ == "__main__":
    sys.exit(main())
