#!/usr/bin/env python3
"""Sends several HTTP/1.1 requests at once over one connection (pipelining) and prints the status code of
each answer, one a line, then "closed" if the server closed the connection within WAIT seconds.

Usage: http_pipeline.py PORT WAIT PATH..."""
import socket, sys

def main():
    port, wait, paths = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
    connection = socket.create_connection(("127.0.0.1", port))
    connection.sendall(b"".join(b"GET " + p.encode() + b" HTTP/1.1\r\nHost: test\r\n\r\n" for p in paths))
    connection.settimeout(wait)
    data, closed = b"", False
    try:
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                closed = True
                break
            data += chunk
    except socket.timeout:
        pass
    # Walk the answers by their Content-Length.
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        print(lines[0].split(" ")[1])
        length = next(int(l.split(":")[1]) for l in lines[1:] if l.lower().startswith("content-length:"))
        data = rest[length:]
    if closed:
        print("closed")

if __name__ == "__main__":
    main()
