#!/usr/bin/env python3
"""A tiny authoritative DNS server on loopback UDP, for the scale-out tests.

    dns_server.py NAME ADDRESS [ADDRESS ...]

Answers A queries for NAME with every ADDRESS (IPv4), and every other query (AAAA, SRV, TXT, other
names) with an empty NOERROR answer. Prints `port N` on stdout once it listens on 127.0.0.1:N, then
serves until killed. Only the standard library: it gives a test a name that resolves to several
addresses, so that `pspctl watch --evaluator dns://127.0.0.1:N/NAME:PORT` goes through the gRPC
core's own c-ares resolver (the `authority` of a dns: target is the DNS server it asks).
"""
import socket
import struct
import sys


def question_end(packet, offset):
    """Offset just past the question's QNAME, and the name (lower case, no trailing dot)."""
    labels = []
    while True:
        length = packet[offset]
        offset += 1
        if length == 0:
            return offset, ".".join(labels).lower()
        labels.append(packet[offset:offset + length].decode("ascii", "replace"))
        offset += length


def answer(query, name, addresses):
    ident, flags, qdcount = struct.unpack("!HHH", query[:6])
    if qdcount != 1:
        return None
    end, qname = question_end(query, 12)
    qtype, qclass = struct.unpack("!HH", query[end:end + 4])
    question = query[12:end + 4]
    records = b""
    count = 0
    if qtype == 1 and qname == name:  # A
        for address in addresses:
            # A pointer to the question's name (offset 12), type A, class IN, TTL 1 s, 4 bytes.
            records += struct.pack("!HHHIH", 0xC00C, 1, 1, 1, 4) + socket.inet_aton(address)
            count += 1
    # QR, opcode of the query, AA, RD copied, RA; RCODE 0 (NOERROR) even for unknown names: an empty
    # answer, which c-ares reports as "no addresses" for that type.
    response_flags = 0x8000 | (flags & 0x7900) | 0x0400 | 0x0080
    header = struct.pack("!HHHHHH", ident, response_flags, 1, count, 0, 0)
    return header + question + records


def main():
    name = sys.argv[1].lower().rstrip(".")
    addresses = sys.argv[2:]
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    sys.stdout.write("port %d\n" % server.getsockname()[1])
    sys.stdout.flush()
    while True:
        query, peer = server.recvfrom(4096)
        try:
            response = answer(query, name, addresses)
        except (IndexError, struct.error):
            response = None
        if response:
            server.sendto(response, peer)


if __name__ == "__main__":
    main()
