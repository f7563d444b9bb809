#!/usr/bin/python3
"""Lambda Runtime API emulator for running the exifscrub bootstrap locally.

Serves the Runtime API (2018-06-01) to bootstrap processes, accepts
invocations like the Lambda Invoke API and the Runtime Interface Emulator,
and turns Ceph RGW HTTP push notifications into asynchronous invocations
that are retried like Lambda's asynchronous mode. It supervises the
bootstraps it starts: one invocation at a time per process, a timeout per
invocation, and a restart when a process exits.

It does not emulate IAM, billing, reserved concurrency, extensions or the
Telemetry API, and it does not freeze processes between invocations.
Python 3 standard library only; every server listens on 127.0.0.1.

Usage: emulator.py --port 9001 --bootstrap build/bin/bootstrap --log bootstrap.log
"""

import argparse
import http.server
import json
import os
import queue
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

LISTEN_HOST = "127.0.0.1"
RUNTIME_PREFIX = "/2018-06-01/runtime"


def now_ms():
    return int(time.time() * 1000)


def new_trace_id():
    """Return an X-Ray trace header in the format Lambda hands to runtimes."""
    root = "1-%08x-%s" % (int(time.time()), secrets.token_hex(12))
    return "Root=%s;Parent=%s;Sampled=0" % (root, secrets.token_hex(8))


class Invocation:
    """One attempt to run the function on a payload, sync or async."""

    def __init__(self, payload, kind, trace_id=None, event=None):
        self.request_id = str(uuid.uuid4())
        self.payload = payload
        self.kind = kind  # "sync" or "async"
        self.trace_id = trace_id or new_trace_id()
        self.event = event  # the AsyncEvent this attempt belongs to, or None
        self.deadline_ms = 0
        self.done = threading.Event()
        self.status = None  # "success" or "error"
        self.body = b""
        self.error_type = ""


class AsyncEvent:
    """An asynchronous event with its attempts, as Lambda's event queue keeps it."""

    def __init__(self, payload, source):
        self.id = str(uuid.uuid4())
        self.payload = payload
        self.source = source
        self.attempts = 0
        self.last_error = None
        self.state = "pending"  # pending, succeeded, failed


class Emulator:
    def __init__(self, args):
        self.args = args
        self.queue = queue.Queue()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.inflight = {}  # request_id -> (Invocation, Slot)
        self.counters = {
            "invocations": 0,
            "succeeded": 0,
            "errors": 0,
            "timeouts": 0,
            "init_errors": 0,
            "restarts": 0,
            "async_events": 0,
            "async_retries": 0,
        }
        self.async_events = []
        self.last_init_error = None
        self.slots = []
        self.log_file = open(args.log, "ab") if args.log else None

    # --- counters -----------------------------------------------------------

    def count(self, name, step=1):
        with self.lock:
            self.counters[name] += step

    def status(self):
        with self.lock:
            status = dict(self.counters)
            status["queued"] = self.queue.qsize()
            status["in_flight"] = len(self.inflight)
            status["async_pending"] = sum(1 for e in self.async_events if e.state == "pending")
            status["dead_letters"] = sum(1 for e in self.async_events if e.state == "failed")
            status["last_init_error"] = self.last_init_error
            status["bootstraps"] = [slot.describe() for slot in self.slots if slot.managed]
        return status

    def failures(self):
        with self.lock:
            return [
                {"id": e.id, "source": e.source, "attempts": e.attempts, "error": e.last_error,
                 "payload": json.loads(e.payload) if e.payload else None}
                for e in self.async_events if e.state == "failed"
            ]

    # --- invocations ----------------------------------------------------------

    def submit_async(self, payload, source):
        event = AsyncEvent(payload, source)
        with self.lock:
            self.async_events.append(event)
            self.counters["async_events"] += 1
        self.enqueue_attempt(event)
        return event

    def enqueue_attempt(self, event):
        event.attempts += 1
        self.queue.put(Invocation(event.payload, "async", event=event))

    def take(self, slot, generation):
        """Block until an invocation is queued or the emulator stops.

        generation identifies the bootstrap process that sent the request. A
        request left over from a process that has since exited puts the
        invocation back in the queue, so no invocation goes to a dead process.
        """
        while not self.stopping.is_set():
            try:
                invocation = self.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            if slot.managed and (slot.generation != generation or slot.process.poll() is not None):
                self.queue.put(invocation)
                return None
            invocation.deadline_ms = now_ms() + int(self.args.timeout * 1000)
            with self.lock:
                self.inflight[invocation.request_id] = (invocation, slot)
                self.counters["invocations"] += 1
            slot.current = invocation
            return invocation
        return None

    def finish(self, request_id, status, body, error_type=""):
        """Record the result of an in-flight invocation; False when unknown."""
        with self.lock:
            entry = self.inflight.pop(request_id, None)
        if entry is None:
            return False
        invocation, slot = entry
        if slot.current is invocation:
            slot.current = None
        invocation.status, invocation.body, invocation.error_type = status, body, error_type
        self.count("succeeded" if status == "success" else "errors")
        invocation.done.set()
        if invocation.event is not None:
            self.settle_async(invocation)
        return True

    def settle_async(self, invocation):
        event = invocation.event
        if invocation.status == "success":
            event.state = "succeeded"
            return
        event.last_error = {"errorType": invocation.error_type, "body": invocation.body.decode("utf-8", "replace")}
        # Lambda retries a failed asynchronous invocation twice by default.
        if event.attempts <= self.args.async_retries:
            self.count("async_retries")
            timer = threading.Timer(self.args.retry_delay, self.enqueue_attempt, args=(event,))
            timer.daemon = True
            timer.start()
            return
        event.state = "failed"
        self.log("async event %s failed after %d attempts: %s" % (event.id, event.attempts, invocation.error_type))
        if self.args.dead_letter:
            with open(self.args.dead_letter, "a", encoding="utf-8") as out:
                out.write(json.dumps({"id": event.id, "attempts": event.attempts, "error": event.last_error,
                                      "payload": event.payload.decode("utf-8", "replace")}) + "\n")

    def fail_current(self, slot, error_type, message):
        invocation = slot.current
        if invocation is None:
            return
        body = json.dumps({"errorType": error_type, "errorMessage": message}).encode()
        self.finish(invocation.request_id, "error", body, error_type)

    def watch_deadlines(self):
        """Fail invocations that outlive their deadline and restart their process."""
        while not self.stopping.wait(0.05):
            for slot in self.slots:
                invocation = slot.current
                if invocation is None or now_ms() < invocation.deadline_ms:
                    continue
                self.count("timeouts")
                message = "Task timed out after %.2f seconds" % self.args.timeout
                self.log("%s: %s" % (invocation.request_id, message))
                self.fail_current(slot, "Sandbox.Timedout", message)
                slot.kill()

    def log(self, message):
        line = "[emulator] %s\n" % message
        sys.stderr.write(line)
        if self.log_file:
            self.log_file.write(line.encode())
            self.log_file.flush()


class Slot:
    """One execution environment: a Runtime API endpoint and, when managed, its bootstrap process."""

    def __init__(self, emulator, managed, index):
        self.emulator = emulator
        self.managed = managed
        self.index = index
        self.current = None
        self.process = None
        self.restarts = 0
        self.state = "starting"
        self.server = None
        self.port = None
        self.generation = 0

    def describe(self):
        return {"index": self.index, "pid": self.process.pid if self.process else None, "port": self.port,
                "state": self.state, "restarts": self.restarts}

    def serve(self):
        self.server = http.server.ThreadingHTTPServer((LISTEN_HOST, 0), make_handler(self.emulator, self))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def start_process(self):
        args = self.emulator.args
        env = dict(os.environ)
        env.update({
            "AWS_LAMBDA_RUNTIME_API": "%s:%d" % (LISTEN_HOST, self.port),
            "AWS_LAMBDA_FUNCTION_NAME": args.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(args.memory),
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(int(args.timeout)),
        })
        output = self.emulator.log_file if self.emulator.log_file else None
        self.generation += 1
        self.process = subprocess.Popen([args.bootstrap], env=env, stdout=output, stderr=subprocess.STDOUT if output else None)
        self.state = "running"
        self.emulator.log("bootstrap %d started with pid %d on port %d" % (self.index, self.process.pid, self.port))

    def supervise(self):
        """Run the bootstrap, restarting it when it exits, at most max_restarts times."""
        args = self.emulator.args
        self.start_process()
        while True:
            code = self.process.wait()
            if self.emulator.stopping.is_set():
                self.state = "stopped"
                return
            self.emulator.log("bootstrap %d (pid %d) exited with status %d" % (self.index, self.process.pid, code))
            self.emulator.fail_current(self, "Runtime.ExitError", "Runtime exited with error: exit status %d" % code)
            if self.restarts >= args.max_restarts:
                self.state = "failed"
                self.emulator.log("bootstrap %d not restarted: %d restarts reached" % (self.index, self.restarts))
                return
            self.restarts += 1
            self.emulator.count("restarts")
            # Back off so a bootstrap that fails at start-up does not spin.
            if self.emulator.stopping.wait(min(0.2 * 2 ** (self.restarts - 1), 5.0)):
                self.state = "stopped"
                return
            self.start_process()

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.server:
            self.server.shutdown()


def make_handler(emulator, slot):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            # reply() sends the headers and the body in two writes. With
            # Nagle's algorithm the body then waits for the peer's delayed ACK
            # of the headers (up to 40 ms on Linux), which the Lambda service
            # does not add to an invocation.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, fmt, *args):
            if emulator.args.verbose:
                emulator.log(fmt % args)

        def read_body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def reply(self, status, body=b"", headers=None):
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == RUNTIME_PREFIX + "/invocation/next" and slot is not None:
                return self.next_invocation()
            if self.path == "/status":
                return self.reply(200, emulator.status())
            if self.path == "/failures":
                return self.reply(200, emulator.failures())
            self.reply(404, {"errorMessage": "no route for GET %s" % self.path})

        def do_POST(self):
            body = self.read_body()
            path = self.path
            if path.startswith(RUNTIME_PREFIX + "/") and slot is not None:
                return self.runtime_post(path, body)
            if path.startswith("/2015-03-31/functions/") and path.endswith("/invocations"):
                return self.invoke(body)
            if path == "/rgw":
                return self.rgw_push(body)
            self.reply(404, {"errorMessage": "no route for POST %s" % path})

        def next_invocation(self):
            invocation = emulator.take(slot, slot.generation)
            if invocation is None:
                return self.reply(503, {"errorMessage": "emulator is shutting down or the bootstrap exited"})
            headers = {
                "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
                "Lambda-Runtime-Invoked-Function-Arn":
                    "arn:aws:lambda:us-east-1:000000000000:function:%s" % emulator.args.function_name,
                "Lambda-Runtime-Trace-Id": invocation.trace_id,
            }
            self.reply(200, invocation.payload, headers)

        def runtime_post(self, path, body):
            rest = path[len(RUNTIME_PREFIX) + 1:]
            if rest == "init/error":
                error_type = self.headers.get("Lambda-Runtime-Function-Error-Type", "")
                with emulator.lock:
                    emulator.counters["init_errors"] += 1
                    emulator.last_init_error = {"errorType": error_type, "body": body.decode("utf-8", "replace")}
                emulator.log("init error: %s %s" % (error_type, body.decode("utf-8", "replace")))
                return self.reply(202, {"status": "OK"})
            parts = rest.split("/")
            if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                if parts[2] == "response":
                    known = emulator.finish(parts[1], "success", body)
                else:
                    error_type = self.headers.get("Lambda-Runtime-Function-Error-Type", "Unhandled")
                    known = emulator.finish(parts[1], "error", body, error_type)
                if not known:
                    return self.reply(400, {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"})
                return self.reply(202, {"status": "OK"})
            self.reply(404, {"errorMessage": "no route for POST %s" % path})

        def invoke(self, body):
            if self.headers.get("X-Amz-Invocation-Type", "RequestResponse") == "Event":
                event = emulator.submit_async(body, "invoke")
                return self.reply(202, b"", {"X-Amzn-RequestId": event.id})
            invocation = Invocation(body, "sync", trace_id=self.headers.get("X-Amzn-Trace-Id"))
            emulator.queue.put(invocation)
            if not invocation.done.wait(emulator.args.timeout + emulator.args.queue_wait):
                return self.reply(504, {"errorType": "EmulatorTimeout",
                                        "errorMessage": "no bootstrap finished the invocation in time"})
            headers = {"X-Amzn-RequestId": invocation.request_id}
            if invocation.status == "error":
                headers["X-Amz-Function-Error"] = "Unhandled"
            self.reply(200, invocation.body, headers)

        def rgw_push(self, body):
            if emulator.args.capture:
                with emulator.lock, open(emulator.args.capture, "ab") as out:
                    out.write(body.rstrip(b"\n") + b"\n")
            try:
                records = json.loads(body)["Records"]
                if not isinstance(records, list):
                    raise TypeError("Records is not a list")
            except (ValueError, KeyError, TypeError) as error:
                emulator.log("RGW push rejected: %s" % error)
                return self.reply(400, {"errorMessage": "expected a JSON object with a Records list"})
            # S3 and RGW deliver one record per notification; Lambda invokes
            # the function once per notification.
            for record in records:
                emulator.submit_async(json.dumps({"Records": [record]}).encode(), "rgw")
            self.reply(200, b"")

    return Handler


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Emulate the Lambda Runtime and Invoke APIs on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=9001,
                        help="port of the invoke, RGW push and status API; 0 picks a free one (default 9001)")
    parser.add_argument("--port-file", help="write the port actually bound to this file once listening")
    parser.add_argument("--bootstrap", help="bootstrap executable to start and supervise; without it, an external "
                                            "bootstrap polls the Runtime API on --port")
    parser.add_argument("--concurrency", type=int, default=1, help="number of bootstrap processes (default 1)")
    parser.add_argument("--timeout", type=float, default=30.0, help="function timeout in seconds (default 30)")
    parser.add_argument("--memory", type=int, default=512, help="memory size in MB reported to the bootstrap")
    parser.add_argument("--function-name", default="exifscrub", help="function name (default exifscrub)")
    parser.add_argument("--async-retries", type=int, default=2, help="retries of a failed async event (default 2)")
    parser.add_argument("--retry-delay", type=float, default=1.0, help="seconds before an async retry (default 1)")
    parser.add_argument("--max-restarts", type=int, default=20, help="restarts per bootstrap before giving up (default 20)")
    parser.add_argument("--queue-wait", type=float, default=60.0,
                        help="seconds a sync invocation may wait in the queue beyond the timeout (default 60)")
    parser.add_argument("--log", help="append the bootstraps' stdout and stderr and the emulator's messages to this file")
    parser.add_argument("--dead-letter", help="append async events that failed every attempt to this JSON-lines file")
    parser.add_argument("--capture", help="append every RGW push body, one JSON document a line, to this file")
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request")
    args = parser.parse_args(argv)
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")
    if args.bootstrap and not os.access(args.bootstrap, os.X_OK):
        parser.error("--bootstrap %s is not an executable file" % args.bootstrap)
    return args


def main(argv):
    args = parse_args(argv)
    emulator = Emulator(args)

    # The main port serves the invoke API and, for an external bootstrap, the Runtime API.
    external = None if args.bootstrap else Slot(emulator, False, 0)
    if external:
        emulator.slots.append(external)
    server = http.server.ThreadingHTTPServer((LISTEN_HOST, args.port), make_handler(emulator, external))
    server.daemon_threads = True
    threading.Thread(target=emulator.watch_deadlines, daemon=True).start()

    if args.bootstrap:
        for index in range(args.concurrency):
            slot = Slot(emulator, True, index)
            slot.serve()
            emulator.slots.append(slot)
            threading.Thread(target=slot.supervise, daemon=True).start()

    def shut_down(signum, frame):
        emulator.log("signal %d received, shutting down" % signum)
        emulator.stopping.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w", encoding="utf-8") as out:
            out.write("%d\n" % port)
        os.replace(args.port_file + ".tmp", args.port_file)
    emulator.log("listening on %s:%d" % (LISTEN_HOST, port))
    server.serve_forever()

    for slot in emulator.slots:
        if slot.managed:
            slot.stop()
    server.server_close()
    emulator.log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
