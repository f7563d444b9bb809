#!/usr/bin/env python3
"""HTTP proxy that injects faults between the S3 client and a local S3 server.

Listens on 127.0.0.1 only and forwards to one upstream on 127.0.0.1. Tests
queue one action per upcoming S3 request with POST /__fault__/plan and read
what happened with GET /__fault__/log. Requests beyond the plan pass through.

Actions (JSON objects, "action" plus options):
  pass                                 forward unchanged
  status   status, code                reply with an S3 error document whose RequestId is
                                       "fault-proxy-<n>" (n counts requests from 1); do not forward
  reset                                close the connection with a TCP reset, no reply
  stall    seconds                     forward, relay headers and half the body, then stall
  truncate                             forward, relay headers and half the body, then close
  corrupt_response                     forward, flip one byte in the middle of the body
  corrupt_request                      flip one byte in the middle of the request body
  truncate_request                     forward only the first half of the request body

Usage: fault_proxy.py --upstream 127.0.0.1:PORT [--port 0] [--tls-cert FILE --tls-key FILE]
With --tls-cert and --tls-key, clients talk TLS to the proxy (the upstream
stays plain HTTP), so the client's certificate checks meet a real handshake.
Prints "PORT <n>" on stdout once it listens. Stop it with SIGTERM.
"""

import argparse
import http.client
import json
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time

MAX_STALL_SECONDS = 30
MAX_HEAD_BYTES = 64 * 1024


class State:
    def __init__(self, upstream):
        self.upstream = upstream
        self.lock = threading.Lock()
        self.plan = []
        self.log = []

    def next_action(self):
        with self.lock:
            return self.plan.pop(0) if self.plan else {"action": "pass"}

    def record(self, entry):
        with self.lock:
            self.log.append(entry)


def read_head(stream):
    """Returns (request line, [(name, value)]) or None at end of stream."""
    line = stream.readline(MAX_HEAD_BYTES)
    if not line:
        return None
    request_line = line.decode("latin-1").rstrip("\r\n")
    headers = []
    while True:
        line = stream.readline(MAX_HEAD_BYTES).decode("latin-1").rstrip("\r\n")
        if not line:
            return request_line, headers
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))


def header(headers, name):
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def error_document(code, request_id):
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code>'
        "<Message>injected by the fault proxy</Message><RequestId>%s</RequestId></Error>"
        % (code, request_id)
    ).encode()


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        state = self.server.state
        while True:
            head = read_head(self.rfile)
            if head is None:
                return
            request_line, headers = head
            method, target, _ = request_line.split(" ", 2)
            length = int(header(headers, "content-length") or 0)
            body = self.rfile.read(length) if length else b""
            if target.startswith("/__fault__/"):
                self.control(state, method, target, body)
                continue
            action = state.next_action()
            state.record({
                "method": method, "target": target, "action": action["action"],
                "range": header(headers, "range"), "if_match": header(headers, "if-match"),
                "trace_id": header(headers, "x-amzn-trace-id"),
                "connection": self.client_address[1],
            })
            if not self.apply(state, action, method, target, headers, body):
                return

    def control(self, state, method, target, body):
        with state.lock:
            if target == "/__fault__/plan" and method == "POST":
                state.plan = json.loads(body or b"[]")
                reply = b"{}"
            elif target == "/__fault__/log":
                reply = json.dumps(state.log).encode()
            elif target == "/__fault__/reset" and method == "POST":
                state.plan, state.log = [], []
                reply = b"{}"
            else:
                reply = b'{"error": "unknown control request"}'
        self.send_response_bytes(200, [("Content-Type", "application/json")], reply)

    def apply(self, state, action, method, target, headers, body):
        """Performs one action; returns False when the connection must close."""
        kind = action["action"]
        if kind == "status":
            request_id = "fault-proxy-%d" % len(state.log)
            document = b"" if method == "HEAD" else error_document(action.get("code", "InternalError"), request_id)
            self.send_response_bytes(int(action["status"]),
                                     [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)],
                                     document, head_only=method == "HEAD")
            return True
        if kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if kind == "corrupt_request" and body:
            middle = len(body) // 2
            body = body[:middle] + bytes([body[middle] ^ 0xFF]) + body[middle + 1:]
        if kind == "truncate_request" and body:
            body = body[: len(body) // 2]
        status, reason, response_headers, response_body = self.forward(state, method, target, headers, body)

        if kind == "corrupt_response" and response_body:
            middle = len(response_body) // 2
            response_body = response_body[:middle] + bytes([response_body[middle] ^ 0xFF]) + response_body[middle + 1:]
        if kind in ("stall", "truncate"):
            self.send_head(status, reason, response_headers, len(response_body))
            self.wfile.write(response_body[: len(response_body) // 2])
            self.wfile.flush()
            if kind == "stall":
                time.sleep(min(float(action.get("seconds", 5)), MAX_STALL_SECONDS))
            return False
        self.send_head(status, reason, response_headers, len(response_body), head_only=method == "HEAD")
        if method != "HEAD":
            self.wfile.write(response_body)
        self.wfile.flush()
        return True

    def forward(self, state, method, target, headers, body):
        host, port = state.upstream
        connection = http.client.HTTPConnection(host, port, timeout=60)
        try:
            connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                if name.lower() == "content-length":
                    value = str(len(body))
                connection.putheader(name, value)
            connection.endheaders(body if body else None)
            response = connection.getresponse()
            data = response.read()
            kept = [(k, v) for k, v in response.getheaders()
                    if k.lower() not in ("transfer-encoding", "connection")]
            return response.status, response.reason, kept, data
        finally:
            connection.close()

    def send_head(self, status, reason, headers, length, head_only=False):
        lines = ["HTTP/1.1 %d %s" % (status, reason or "Status")]
        for name, value in headers:
            if name.lower() == "content-length" and not head_only:
                continue
            lines.append("%s: %s" % (name, value))
        if not head_only:
            lines.append("Content-Length: %d" % length)
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def send_response_bytes(self, status, headers, body, head_only=False):
        self.send_head(status, http.client.responses.get(status, "Status"), headers, len(body))
        if not head_only:
            self.wfile.write(body)
        self.wfile.flush()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser(description="fault-injecting proxy for S3 client tests")
    parser.add_argument("--upstream", required=True, help="HOST:PORT of the S3 server (loopback only)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free one")
    parser.add_argument("--tls-cert", help="PEM certificate: serve TLS to clients")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    host, _, port = args.upstream.rpartition(":")
    if host not in ("127.0.0.1", "localhost"):
        parser.error("--upstream must be on 127.0.0.1; the proxy only talks to loopback")
    server = Server(("127.0.0.1", args.port), Handler)
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        # A client that rejects the certificate aborts the handshake inside
        # accept(); socketserver drops that connection (SSLError is an OSError).
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.state = State(("127.0.0.1", int(port)))
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
