#!/usr/bin/env python3
"""A kernel TCP echo server for one connection (the far end of tcp_echo_client.py).

usage: tcp_echo_server.py ADDRESS PORT

Accepts one connection (waiting at most 60 s for it), sends back every byte
until the peer closes, then exits. Run it with `timeout` to bound the whole.
"""
import socket
import sys


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
    srv = socket.create_server((sys.argv[1], int(sys.argv[2])), family=family)
    srv.settimeout(60)
    conn, _ = srv.accept()
    while True:
        data = conn.recv(262144)
        if not data:
            break
        conn.sendall(data)
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
