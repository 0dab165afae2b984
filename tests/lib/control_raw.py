#!/usr/bin/env python3
"""Send raw bytes to iphttpsd's control socket and print its answer (test_control.sh).

usage: control_raw.py SOCKET KIND
KIND: garbage | oversize | unknown | not-object | extra-key | silent
Prints the answer as received (one JSON line), or "closed" when the daemon
closed without answering, or "timeout".
"""
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
}


def main():
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
    print(json.dumps(json.loads(data)))


if __name__ == "__main__":
    main()
