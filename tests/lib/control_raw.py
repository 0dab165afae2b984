#!/usr/bin/env python3
"""Send raw bytes to iphttpsd's control socket and print its answer (test_control.sh).

usage: control_raw.py SOCKET KIND
       control_raw.py SOCKET hold COUNT SECONDS
       control_raw.py tcp-hold SOURCE HOST PORT COUNT SECONDS
KIND: garbage | oversize | unknown | not-object | extra-key | silent | table
Prints the answer as received (one JSON line), or "closed" when the daemon
closed without answering, or "timeout". hold: open COUNT connections that
say nothing, print "held N" and keep them SECONDS (a local peer trying to
keep the operator out); tcp-hold: the same with TCP from SOURCE (the
management HTTP endpoint). table: the clients table, whose text follows the
reply line raw; prints the reply's result with what came after it measured
(received bytes, rows).
"""
import time
import json
import socket
import sys

REQUESTS = {
    "garbage": b"{this is not json\n",
    "oversize": b'{"command": "show", "pad": "' + b"x" * 8000 + b'"}\n',
    "unknown": b'{"command": "format-disk"}\n',
    "not-object": b'["show"]\n',
    "extra-key": b'{"command": "show", "verbose": true}\n',
    "silent": b"",
    "table": b'{"command": "clients", "format": "table"}\n',
}


def hold(make, count, seconds):
    held = []
    for _ in range(count):
        try:
            held.append(make())
        except OSError:
            break
    print(f"held {len(held)}", flush=True)
    time.sleep(seconds)


def main():
    if sys.argv[1] == "tcp-hold":
        source, host, port, count, seconds = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])

        def make():
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((source, 0))
            s.settimeout(2)
            s.connect((host, port))
            return s
        hold(make, count, seconds)
        return
    if sys.argv[2] == "hold":
        def make():
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.setblocking(False)
            try:
                s.connect(sys.argv[1])
            except BlockingIOError:
                pass
            return s
        hold(make, int(sys.argv[3]), float(sys.argv[4]))
        return
    path, kind = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    try:
        if REQUESTS[kind]:
            s.sendall(REQUESTS[kind])
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        print("timeout")
        return
    except (ConnectionResetError, BrokenPipeError):
        print("closed")
        return
    if not data:
        print("closed")
        return
    if kind == "table":
        line, _, rest = data.partition(b"\n")
        result = json.loads(line)["result"]
        result.update(received=len(rest), rows=rest.count(b"\n"))
        print(json.dumps(result))
        return
    print(json.dumps(json.loads(data)))


if __name__ == "__main__":
    main()
