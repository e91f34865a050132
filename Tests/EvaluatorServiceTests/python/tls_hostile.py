#!/usr/bin/env python3
"""Hostile TLS clients for a service's https listener (HTTPTLSTests), on loopback.

  tls_hostile.py garbage PORT      sends bytes that are not a TLS ClientHello; prints "closed" once the
                                   service has closed the connection (exit 1 if it has not within 15 s)
  tls_hostile.py half PORT         sends half of a real ClientHello and disconnects; prints "sent"
  tls_hostile.py slowloris PORT N  opens N connections that each send one byte of a ClientHello a
                                   second; prints "closed N after S s" once the service has closed them
                                   all (exit 1 if not within 30 s)
"""
import socket
import ssl
import sys
import time


def client_hello():
    """The first flight of a real TLS client (Python's ssl over memory BIOs)."""
    context = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def closed_by_peer(sock):
    try:
        return sock.recv(65536) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except BlockingIOError:
        return False


def garbage(port):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"\x16\x03\x01\xff\xff" + bytes(range(256)) * 4)
    sock.settimeout(15)
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            data = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            break
        except socket.timeout:
            print("still open", flush=True)
            return 1
        if data == b"":
            break
    print("closed", flush=True)
    return 0


def half(port):
    hello = client_hello()
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(hello[: len(hello) // 2])
    sock.close()
    print("sent", flush=True)
    return 0


def slowloris(port, count):
    hello = client_hello()
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    for sock in sockets:
        sock.setblocking(False)
    start = time.time()
    open_sockets = list(sockets)
    sent = 0
    while open_sockets and time.time() - start < 30:
        for sock in list(open_sockets):
            if closed_by_peer(sock):
                open_sockets.remove(sock)
                continue
            if sent < len(hello) - 1:
                try:
                    sock.send(hello[sent : sent + 1])
                except (ConnectionResetError, BrokenPipeError):
                    open_sockets.remove(sock)
        sent += 1
        time.sleep(1)
    if open_sockets:
        print(f"{len(open_sockets)} still open after {time.time() - start:.1f} s", flush=True)
        return 1
    print(f"closed {count} after {time.time() - start:.1f} s", flush=True)
    return 0


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "garbage":
        return garbage(port)
    if mode == "half":
        return half(port)
    if mode == "slowloris":
        return slowloris(port, int(sys.argv[3]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
