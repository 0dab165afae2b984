"""Helpers shared by the test tools that build packets by hand."""
import struct


def checksum(data):
    """The internet checksum (RFC 1071) of data, as the value to store."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF
