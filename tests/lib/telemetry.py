#!/usr/bin/env python3
"""Query a running iphttpsd's DPDK telemetry socket.

usage: telemetry.py FILE_PREFIX COMMAND [FIELD]
Prints the command's JSON reply, or one field of it.
"""
import json
import socket
import sys


def query(prefix, command):
    path = f"/var/run/dpdk/{prefix}/dpdk_telemetry.v2"
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
        s.settimeout(5)
        s.connect(path)
        json.loads(s.recv(1 << 16))  # the greeting: version, pid, max_output_len
        s.send(command.encode())
        reply = json.loads(s.recv(1 << 20))
    return reply[command.split(",")[0]]


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    value = query(sys.argv[1], sys.argv[2])
    if len(sys.argv) == 4:
        value = value[sys.argv[3]]
    print(json.dumps(value) if isinstance(value, (dict, list)) else value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
