#!/usr/bin/env python3
"""A small HTTP receiver for pspctl's --alerts-http tests, on loopback.

Answers every POST with --status (200 by default), HTTP/1.1 keep-alive. Appends each request body,
byte for byte, plus a newline, to --bodies, and one JSON line per request (method, path, headers) to
--requests, flushed at once. Prints "listening on 127.0.0.1:PORT" on stderr when ready (--port 0
picks a free port; a restarted receiver is given the port of the one before). With --tls-cert and
--tls-key it serves https (Python's ssl module, an implementation independent of pspctl's); with
--tls-client-ca too, it requires a client certificate that CA signed.
"""
import argparse
import json
import socket
import ssl
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="127.0.0.1, or ::1 for IPv6 loopback")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--bodies", required=True)
    parser.add_argument("--requests", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--tls-client-ca")
    args = parser.parse_args()
    bodies = open(args.bodies, "ab")
    requests = open(args.requests, "a", encoding="utf-8")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body are two writes: without this, Nagle plus the client's delayed ACK costs ~40 ms a request.
        disable_nagle_algorithm = True

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            bodies.write(body + b"\n")
            bodies.flush()
            requests.write(json.dumps({
                "method": self.command,
                "path": self.path,
                "content_type": self.headers.get("Content-Type"),
                "user_agent": self.headers.get("User-Agent"),
                "host": self.headers.get("Host"),
                "length": length,
                "sni": getattr(self.connection, "sni", None),
            }) + "\n")
            requests.flush()
            answer = b"{}" if args.status < 300 else b"error"
            self.send_response(args.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format, *arguments):
            pass

    class Server(HTTPServer):
        address_family = socket.AF_INET6 if ":" in args.host else socket.AF_INET

    server = Server((args.host, args.port), Handler)
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        # Records the name a client sent (SNI) on its connection, for the requests' "sni".
        def remember_sni(connection, name, _context):
            connection.sni = name

        context.sni_callback = remember_sni
        if args.tls_client_ca:
            context.load_verify_locations(args.tls_client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
        # A failed handshake is an OSError in accept(), which the server ignores (no request).
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"listening on {args.host}:{server.server_address[1]}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
