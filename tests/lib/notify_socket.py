#!/usr/bin/env python3
"""systemd's side of the notify protocol (sd_notify(3)), for tests/netns/test_systemd_notify.sh.

usage: notify_socket.py SOCKET_PATH OUT_JSONL SECONDS [--probe HOST:PORT]

Binds a datagram socket at SOCKET_PATH (what NOTIFY_SOCKET names) and writes
one JSON line per message to OUT_JSONL: {"t": monotonic seconds, "fields":
{"READY": "1", ...}}. With --probe, the moment the first READY=1 arrives it
opens one TCP connection to HOST:PORT (run it in the client's namespace) and
adds a line {"t": ..., "probe": "connected"} or the error: READY=1 must mean
the listener answers now, not in a moment. Stops after SECONDS, or on SIGTERM.
"""
import json
import os
import signal
import socket
import sys
import time


def main():
    path, out_path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    probe = None
    if "--probe" in sys.argv:
        host, port = sys.argv[sys.argv.index("--probe") + 1].rsplit(":", 1)
        probe = (host, int(port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chmod(path, 0o666)
    deadline = time.monotonic() + seconds
    probed = False
    with open(out_path, "a", buffering=1) as out:
        out.write(json.dumps({"t": time.monotonic(), "listening": path}) + "\n")
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = sock.recv(4096)
            except socket.timeout:
                break
            now = time.monotonic()
            fields = dict(line.split("=", 1) for line in data.decode(errors="replace").split("\n") if "=" in line)
            out.write(json.dumps({"t": now, "fields": fields}) + "\n")
            if probe and not probed and fields.get("READY") == "1":
                probed = True
                try:
                    with socket.create_connection(probe, timeout=1.0):
                        result = "connected"
                except OSError as e:
                    result = f"failed: {e}"
                out.write(json.dumps({"t": time.monotonic(), "probe": result}) + "\n")


if __name__ == "__main__":
    main()
