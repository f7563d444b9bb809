"""Loopback servers for the packaging tests: DNS, HTTPS and a Runtime API stub.

Every server binds a 127.0.0.0/8 address, runs in a daemon thread of the
test process and is stopped by the test that started it.

Does not implement more of DNS than an A or AAAA question, or more of the
Lambda Runtime API than recording the first GET of the next invocation.
"""

import http.server
import pathlib
import random
import socket
import ssl
import struct
import subprocess
import threading
import time

DNS_PORT = 53
_QTYPE_A = 1
_QCLASS_IN = 1


class DnsServer:
    """Answers A questions for a fixed table of names over UDP.

    Other names get NXDOMAIN and AAAA questions an empty answer, so a client
    falls back to IPv4. Binds port 53 on a random 127.53.x.y address, because
    glibc's stub resolver always uses port 53, and records the names asked.
    """

    def __init__(self, records):
        self.records = {name.lower().rstrip("."): address for name, address in records.items()}
        self.questions = []
        self.address = f"127.53.{random.randint(1, 254)}.{random.randint(1, 254)}"
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind((self.address, DNS_PORT))
        self._socket.settimeout(0.2)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stopping.set()
        self._thread.join(timeout=5)
        self._socket.close()

    def _serve(self):
        while not self._stopping.is_set():
            try:
                query, client = self._socket.recvfrom(512)
            except socket.timeout:
                continue
            reply = self._reply(query)
            if reply is not None:
                self._socket.sendto(reply, client)

    def _reply(self, query):
        if len(query) < 12:
            return None
        (identifier,) = struct.unpack("!H", query[:2])
        labels, offset = [], 12
        while offset < len(query) and query[offset] != 0:
            length = query[offset]
            labels.append(query[offset + 1:offset + 1 + length].decode("ascii", "replace"))
            offset += 1 + length
        question_end = offset + 5
        if question_end > len(query):
            return None
        qtype, qclass = struct.unpack("!HH", query[offset + 1:question_end])
        name = ".".join(labels).lower()
        self.questions.append((name, qtype))

        question = query[12:question_end]
        address = self.records.get(name)
        if address is None:
            # Flags: response, recursion desired and available, NXDOMAIN.
            return struct.pack("!HHHHHH", identifier, 0x8183, 1, 0, 0, 0) + question
        if qtype != _QTYPE_A or qclass != _QCLASS_IN:
            return struct.pack("!HHHHHH", identifier, 0x8180, 1, 0, 0, 0) + question
        answer = struct.pack("!HHHIH", 0xC00C, _QTYPE_A, _QCLASS_IN, 60, 4)
        answer += socket.inet_aton(address)
        return struct.pack("!HHHHHH", identifier, 0x8180, 1, 1, 0, 0) + question + answer


def make_certificate(directory, host_name):
    """Writes a self-signed certificate for host_name and its key into
    directory with the openssl tool. Returns (certificate, key) paths."""
    directory = pathlib.Path(directory)
    certificate, key = directory / "server.crt", directory / "server.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", "2", "-subj", f"/CN={host_name}",
         "-addext", f"subjectAltName=DNS:{host_name}",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True, timeout=60,
    )
    return certificate, key


class _QuietHandler(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format, *args):
        pass


class HttpsServer:
    """Serves body to every GET over TLS on 127.0.0.1 and an ephemeral port."""

    def __init__(self, certificate, key, body):
        handler = type("Handler", (_QuietHandler,), {"body": body})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _NextHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        arrival = time.clock_gettime(time.CLOCK_MONOTONIC)
        if self.path == "/2018-06-01/runtime/invocation/next":
            self.server.owner.record(arrival)
        # Sends no response: the caller kills the process once the request arrived.
        self.server.owner.released.wait(timeout=30)

    def log_message(self, format, *args):
        pass


class NextRecorder:
    """A Runtime API stub that records when GET /invocation/next arrives.

    The request is held open until release() so that the runtime does not
    retry in a loop while the caller stops it.
    """

    def __init__(self):
        self.released = threading.Event()
        self._arrived = threading.Event()
        self._arrival = None
        self._lock = threading.Lock()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NextHandler)
        self._server.daemon_threads = True
        self._server.owner = self
        self.api = f"127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def record(self, arrival):
        with self._lock:
            if self._arrival is None:
                self._arrival = arrival
                self._arrived.set()

    def reset(self):
        """Releases held requests and clears the recorded arrival."""
        with self._lock:
            self.released.set()
            self.released = threading.Event()
            self._arrival = None
            self._arrived.clear()

    def wait(self, timeout):
        """Returns the CLOCK_MONOTONIC time of the first /next, or None."""
        if not self._arrived.wait(timeout):
            return None
        return self._arrival
