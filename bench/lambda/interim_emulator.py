#!/usr/bin/python3
"""Serve the Lambda Runtime API to local bootstrap processes (interim stand-in).

Stands in for tools/lambda-emulator/emulator.py until that lands, with the same
command-line flags that scripts/local-stack.sh passes. Each bootstrap process
gets its own Runtime API listener, as each Lambda execution environment does,
so cold start, timeouts and peak RSS are attributed to one process. All
listeners bind 127.0.0.1.

Does not emulate: reserved concurrency, the 1 and 2 minute back-off between
async retries (retries are queued at once), on-failure destinations, the
Extensions and Telemetry APIs.

Endpoints on --port:
  POST /2015-03-31/functions/function/invocations  sync invoke; with header
       X-Amz-Invocation-Type: Event it queues an async invoke and returns 202
  POST /rgw     Ceph RGW HTTP push notification: queued as one async invoke
  GET  /status  JSON counters, per-process cold start and peak RSS, durations
"""

import argparse
import http.server
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid

RUNTIME_PREFIX = "/2018-06-01/runtime"
ASYNC_ATTEMPTS = 3  # Lambda's async mode: the first try plus two retries.
MAX_RESTARTS_PER_SLOT = 20
FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:exifscrub-local"


class Invocation:
    """One queued event and, for sync invokes, the slot its reply goes to."""

    def __init__(self, body, synchronous):
        self.request_id = str(uuid.uuid4())
        self.body = body
        self.synchronous = synchronous
        self.attempt = 0
        self.started = 0.0
        self.done = threading.Event()
        self.reply_status = 0
        self.reply_body = b""


class State:
    """Counters and the shared queue; every field is guarded by lock."""

    def __init__(self, timeout_s):
        self.lock = threading.Lock()
        self.queue = queue.Queue()
        self.timeout_s = timeout_s
        self.in_flight = {}
        self.pending = 0  # invocations queued, running or waiting for a retry
        self.counters = {"invocations": 0, "completed": 0, "errors": 0,
                         "retries": 0, "function_errors": 0, "timeouts": 0,
                         "init_errors": 0, "rgw_notifications": 0,
                         "bootstrap_restarts": 0}
        self.durations_ms = []
        self.processes = []
        self.failed = []
        self.stopping = False

    def count(self, name, delta=1):
        with self.lock:
            self.counters[name] += delta

    def enqueue(self, invocation):
        with self.lock:
            if invocation.attempt == 0:
                self.counters["invocations"] += 1
                self.pending += 1
        self.queue.put(invocation)

    def finish(self, invocation, ok, status, body):
        """Record the end of one attempt; retry failed async invokes."""
        elapsed_ms = (time.monotonic() - invocation.started) * 1000.0
        with self.lock:
            self.in_flight.pop(invocation.request_id, None)
            self.durations_ms.append(round(elapsed_ms, 3))
            del self.durations_ms[:-100000]
        if not ok:
            self.count("function_errors")
        retry = (not ok and not invocation.synchronous
                 and invocation.attempt + 1 < ASYNC_ATTEMPTS)
        if retry:
            invocation.attempt += 1
            self.count("retries")
            self.queue.put(invocation)
            return
        with self.lock:
            self.pending -= 1
            self.counters["completed" if ok else "errors"] += 1
            if not ok:
                self.failed.append({"request_id": invocation.request_id,
                                    "error": body.decode("utf-8", "replace")[:500]})
                del self.failed[:-100]
        invocation.reply_status = status
        invocation.reply_body = body
        invocation.done.set()

    def snapshot(self):
        with self.lock:
            durations = sorted(self.durations_ms)
            status = dict(self.counters)
            # pending is exact; the split between queued and running is not, because the
            # queue is read without this lock.
            status["queue_length"] = min(self.queue.qsize(), self.pending)
            status["in_flight"] = self.pending - status["queue_length"]
            status["processes"] = [dict(p) for p in self.processes]
            status["failed"] = list(self.failed)
        for p in status["processes"]:
            p["peak_rss_kb"] = max(p["peak_rss_kb"], read_peak_rss_kb(p["pid"]))
        status["durations_ms"] = durations
        return status


def read_peak_rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class Slot:
    """One execution environment: a bootstrap process and its Runtime API."""

    def __init__(self, state, index):
        self.state = state
        self.index = index
        self.record = {"slot": index, "pid": 0, "cold_start_ms": None,
                       "peak_rss_kb": 0, "restarts": 0}
        self.spawned = 0.0
        self.current = None
        self.process = None
        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), make_runtime_handler(self))
        self.server.daemon_threads = True

    @property
    def address(self):
        return f"127.0.0.1:{self.server.server_address[1]}"

    def first_next(self):
        with self.state.lock:
            if self.record["cold_start_ms"] is None:
                self.record["cold_start_ms"] = round(
                    (time.monotonic() - self.spawned) * 1000.0, 3)


def make_runtime_handler(slot):
    state = slot.state

    class RuntimeHandler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body=b"", headers=None):
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def read_body(self):
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))

        def do_GET(self):
            if self.path != RUNTIME_PREFIX + "/invocation/next":
                return self.reply(404)
            slot.first_next()
            invocation = state.queue.get()
            invocation.started = time.monotonic()
            slot.current = invocation
            with state.lock:
                state.in_flight[invocation.request_id] = invocation
            deadline_ms = int((time.time() + state.timeout_s) * 1000)
            self.reply(200, invocation.body, {
                "Content-Type": "application/json",
                "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN,
                "Lambda-Runtime-Trace-Id":
                    f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=0",
            })

        def do_POST(self):
            body = self.read_body()
            if self.path == RUNTIME_PREFIX + "/init/error":
                state.count("init_errors")
                return self.reply(202, b"{}")
            parts = self.path[len(RUNTIME_PREFIX):].split("/")
            # Expected: ["", "invocation", request_id, "response"|"error"]
            if len(parts) != 4 or parts[1] != "invocation":
                return self.reply(404)
            invocation = slot.current
            if invocation is None or invocation.request_id != parts[2]:
                return self.reply(400, b'{"errorType":"InvalidRequestID"}')
            slot.current = None
            self.reply(202, b"{}")
            if parts[3] == "response":
                state.finish(invocation, True, 200, body)
            else:
                state.finish(invocation, False, 200, body)

    return RuntimeHandler


def make_front_handler(state):
    class FrontHandler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body=b""):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path != "/status":
                return self.reply(404)
            self.reply(200, json.dumps(state.snapshot()).encode())

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                json.loads(body)
            except ValueError:
                return self.reply(400, b'{"message":"body is not JSON"}')
            if self.path == "/rgw":
                state.count("rgw_notifications")
                state.enqueue(Invocation(body, synchronous=False))
                return self.reply(200)
            if self.path != "/2015-03-31/functions/function/invocations":
                return self.reply(404)
            asynchronous = self.headers.get("X-Amz-Invocation-Type") == "Event"
            invocation = Invocation(body, synchronous=not asynchronous)
            state.enqueue(invocation)
            if asynchronous:
                return self.reply(202)
            if not invocation.done.wait(state.timeout_s + 5):
                state.count("timeouts")
                return self.reply(504, b'{"errorType":"Timeout"}')
            self.reply(invocation.reply_status, invocation.reply_body)

    return FrontHandler


def supervise(slot, args, log_file):
    """Start the slot's bootstrap and restart it when it exits, bounded."""
    state = slot.state
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=slot.address,
               AWS_LAMBDA_FUNCTION_NAME="exifscrub-local",
               AWS_LAMBDA_FUNCTION_MEMORY_SIZE=str(args.memory_mb))
    for restart in range(MAX_RESTARTS_PER_SLOT + 1):
        slot.spawned = time.monotonic()
        slot.process = subprocess.Popen([args.bootstrap], env=env, stdout=log_file,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        with state.lock:
            slot.record.update(pid=slot.process.pid, cold_start_ms=None, restarts=restart)
        slot.process.wait()
        if state.stopping:
            return
        if slot.current is not None:
            invocation, slot.current = slot.current, None
            state.finish(invocation, False, 200, b'{"errorType":"Runtime.ExitError"}')
        state.count("bootstrap_restarts")
        print(f"interim-emulator: bootstrap pid {slot.process.pid} exited with "
              f"{slot.process.returncode}; restarting", file=sys.stderr, flush=True)
        time.sleep(1.0)
    print(f"interim-emulator: slot {slot.index} gave up after {MAX_RESTARTS_PER_SLOT} "
          "restarts", file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1"])
    parser.add_argument("--port", type=int, default=9001)
    parser.add_argument("--bootstrap", required=True, help="executable to start")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--log", required=True, help="file for the bootstraps' output")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="function timeout in seconds (sets the deadline header)")
    parser.add_argument("--memory-mb", type=int, default=512)
    args = parser.parse_args()

    state = State(args.timeout)
    front = http.server.ThreadingHTTPServer((args.host, args.port), make_front_handler(state))
    front.daemon_threads = True
    log_file = open(args.log, "ab", buffering=0)
    slots = [Slot(state, i) for i in range(max(1, args.concurrency))]
    state.processes = [slot.record for slot in slots]
    for slot in slots:
        threading.Thread(target=slot.server.serve_forever, daemon=True).start()
        threading.Thread(target=supervise, args=(slot, args, log_file), daemon=True).start()

    def stop(signum, frame):
        state.stopping = True
        for slot in slots:
            if slot.process and slot.process.poll() is None:
                slot.process.terminate()
        threading.Thread(target=front.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"interim-emulator: listening on {args.host}:{args.port}, "
          f"{len(slots)} bootstrap(s)", file=sys.stderr, flush=True)
    front.serve_forever()
    for slot in slots:
        if slot.process:
            try:
                slot.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                slot.process.kill()


if __name__ == "__main__":
    main()
