#!/usr/bin/python3
"""End-to-end tests of tools/lambda-emulator/emulator.py with a real bootstrap.

The bootstrap (test_bootstrap.cc) runs the production runtime loop with a
processor steered by the key, so these tests cover the Runtime API traffic
between the emulator and our C++ client without S3. Standard library only.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

BOOTSTRAP = os.environ.get("EXIFSCRUB_TEST_BOOTSTRAP", "")
EMULATOR = os.environ.get("EXIFSCRUB_EMULATOR", "")
WAIT_SECONDS = 60


def s3_event(*keys, source="aws:s3", bucket="photos-a"):
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": source, "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": bucket}, "object": {"key": key, "size": 10}},
    } for key in keys]}


class EmulatorProcess:
    """Starts the emulator on a free port and stops it by PID."""

    def __init__(self, *extra, env=None):
        self.dir = tempfile.TemporaryDirectory()
        self.log = os.path.join(self.dir.name, "bootstrap.log")
        port_file = os.path.join(self.dir.name, "port")
        environment = dict(os.environ)
        environment.update({"DEST_BUCKET": "photos-b", "DEADLINE_MARGIN_MS": "0", "DEADLINE_MARGIN_PERCENT": "0"})
        environment.update(env or {})
        environment = {k: v for k, v in environment.items() if v is not None}
        self.process = subprocess.Popen(
            [sys.executable, EMULATOR, "--port", "0", "--port-file", port_file, "--log", self.log, *extra],
            env=environment, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + WAIT_SECONDS
        while not os.path.exists(port_file):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("emulator did not start")
            time.sleep(0.05)
        with open(port_file, encoding="utf-8") as f:
            self.port = int(f.read())

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def request(self, path, body=None, headers=None):
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        request = urllib.request.Request(self.url(path), data=data, headers=headers or {},
                                         method="POST" if data is not None else "GET")
        try:
            with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def invoke(self, event):
        return self.request("/2015-03-31/functions/function/invocations", event)

    def status(self):
        return json.loads(self.request("/status")[2])

    def wait_for(self, predicate):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            status = self.status()
            if predicate(status):
                return status
            time.sleep(0.1)
        raise AssertionError("condition not reached; last status %s" % self.status())

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=WAIT_SECONDS)
        self.dir.cleanup()


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # kill(0) also succeeds for a zombie, whose state letter in /proc is Z.
    with open("/proc/%d/stat" % pid, encoding="utf-8") as f:
        return f.read().split(") ", 1)[1][0] != "Z"


@unittest.skipUnless(BOOTSTRAP and EMULATOR, "EXIFSCRUB_TEST_BOOTSTRAP and EXIFSCRUB_EMULATOR are set by ctest")
class EmulatorTest(unittest.TestCase):
    def start(self, *extra, env=None):
        emulator = EmulatorProcess("--bootstrap", BOOTSTRAP, *extra, env=env)
        self.addCleanup(emulator.stop)
        return emulator

    def test_sync_invoke_returns_response(self):
        emulator = self.start()
        status, headers, body = emulator.invoke(s3_event("a.jpg", "notes.txt"))
        self.assertEqual(status, 200)
        self.assertNotIn("X-Amz-Function-Error", headers)
        self.assertEqual(json.loads(body), {"status": "succeeded", "objects": 2,
                                            "outcomes": {"scrubbed": 1, "skipped": 1}})
        counters = emulator.status()
        self.assertEqual(counters["invocations"], 1)
        self.assertEqual(counters["succeeded"], 1)
        self.assertEqual(counters["errors"], 0)
        self.assertEqual(counters["queued"], 0)

    def test_sync_invoke_returns_function_error(self):
        emulator = self.start()
        status, headers, body = emulator.invoke(s3_event("ok.jpg", "reject.jpg"))
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("X-Amz-Function-Error"), "Unhandled")
        self.assertEqual(json.loads(body), {"errorMessage": "1 of 2 objects failed: 1 rejected (not_jpeg)",
                                            "errorType": "ObjectsFailed", "stackTrace": []})
        self.assertEqual(emulator.status()["errors"], 1)

    def test_trace_id_and_request_id_logged(self):
        emulator = self.start()
        emulator.request("/2015-03-31/functions/function/invocations", s3_event("t.jpg"),
                         {"X-Amzn-Trace-Id": "Root=1-00000001-000000000000000000000001;Sampled=1"})
        with open(emulator.log, encoding="utf-8") as f:
            lines = [json.loads(line) for line in f if line.startswith("{")]
        object_lines = [line for line in lines if line.get("key") == "t.jpg" and "_aws" not in line]
        self.assertEqual(len(object_lines), 1)
        self.assertEqual(object_lines[0]["trace_id"], "Root=1-00000001-000000000000000000000001;Sampled=1")
        self.assertEqual(len(object_lines[0]["request_id"]), 36)
        metrics = [line for line in lines if "_aws" in line]
        self.assertEqual(len(metrics), 1)
        self.assertEqual(metrics[0]["FunctionName"], "exifscrub")
        self.assertEqual(metrics[0]["ObjectsScrubbed"], 1)

    def test_rgw_push_retries_failures_twice(self):
        emulator = self.start("--retry-delay", "0.1")
        status, _, _ = emulator.request("/rgw", s3_event("good.jpg", "fail.jpg", source="ceph:s3"))
        self.assertEqual(status, 200)
        counters = emulator.wait_for(lambda s: s["async_events"] == 2 and s["async_pending"] == 0)
        self.assertEqual(counters["dead_letters"], 1)
        self.assertEqual(counters["async_retries"], 2)
        self.assertEqual(counters["invocations"], 4)
        self.assertEqual(counters["succeeded"], 1)
        self.assertEqual(counters["errors"], 3)
        failures = json.loads(emulator.request("/failures")[2])
        self.assertEqual(len(failures), 1)
        self.assertEqual(failures[0]["attempts"], 3)
        self.assertEqual(failures[0]["source"], "rgw")
        self.assertEqual(failures[0]["error"]["errorType"], "ObjectsFailed")
        self.assertEqual(failures[0]["payload"]["Records"][0]["s3"]["object"]["key"], "fail.jpg")

    def test_rgw_push_rejects_non_notification(self):
        emulator = self.start()
        status, _, body = emulator.request("/rgw", b"not json")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body), {"errorMessage": "expected a JSON object with a Records list"})

    def test_crash_fails_invocation_and_restarts(self):
        emulator = self.start()
        first_pid = emulator.status()["bootstraps"][0]["pid"]
        status, headers, body = emulator.invoke(s3_event("crash.jpg"))
        self.assertEqual(headers.get("X-Amz-Function-Error"), "Unhandled")
        self.assertEqual(json.loads(body), {"errorType": "Runtime.ExitError",
                                            "errorMessage": "Runtime exited with error: exit status 3"})
        status, headers, body = emulator.invoke(s3_event("after.jpg"))
        self.assertEqual(status, 200)
        self.assertNotIn("X-Amz-Function-Error", headers)
        counters = emulator.status()
        self.assertEqual(counters["restarts"], 1)
        self.assertNotEqual(counters["bootstraps"][0]["pid"], first_pid)

    def test_timeout_kills_and_restarts(self):
        emulator = self.start("--timeout", "1")
        status, headers, body = emulator.invoke(s3_event("slow.jpg"))
        self.assertEqual(headers.get("X-Amz-Function-Error"), "Unhandled")
        self.assertEqual(json.loads(body), {"errorType": "Sandbox.Timedout",
                                            "errorMessage": "Task timed out after 1.00 seconds"})
        counters = emulator.wait_for(lambda s: s["restarts"] == 1)
        self.assertEqual(counters["timeouts"], 1)
        status, headers, _ = emulator.invoke(s3_event("quick.jpg"))
        self.assertNotIn("X-Amz-Function-Error", headers)

    def test_deadline_margin_fails_rest(self):
        # A 4 s budget and a 1.5 s margin let quick objects start. After the
        # 3 s object only about 1 s is left, so the next one does not start.
        emulator = self.start("--timeout", "4", env={"DEADLINE_MARGIN_MS": "1500"})
        status, headers, body = emulator.invoke(s3_event("a.jpg", "b.jpg"))
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["objects"], 2)
        status, headers, body = emulator.invoke(s3_event("slow.jpg", "late.jpg"))
        self.assertEqual(json.loads(body), {"errorMessage": "1 of 2 objects failed: 1 failed (deadline_exceeded)",
                                            "errorType": "ObjectsFailed", "stackTrace": []})

    def test_init_error_recorded_and_restart_bounded(self):
        emulator = self.start("--max-restarts", "2", env={"DEST_BUCKET": None})
        counters = emulator.wait_for(lambda s: s["bootstraps"][0]["state"] == "failed")
        self.assertEqual(counters["init_errors"], 3)
        self.assertEqual(counters["restarts"], 2)
        self.assertEqual(counters["last_init_error"]["errorType"], "InvalidConfiguration")
        self.assertEqual(json.loads(counters["last_init_error"]["body"])["errorMessage"],
                         "DEST_BUCKET is not set; set it to the name of the bucket that receives scrubbed copies")

    def test_concurrency_shares_queue(self):
        emulator = self.start("--concurrency", "2")
        counters = emulator.status()
        pids = [b["pid"] for b in counters["bootstraps"]]
        self.assertEqual(len(set(pids)), 2)
        for index in range(4):
            emulator.request("/2015-03-31/functions/function/invocations", s3_event("%d.jpg" % index),
                             {"X-Amz-Invocation-Type": "Event"})
        counters = emulator.wait_for(lambda s: s["async_events"] == 4 and s["async_pending"] == 0)
        self.assertEqual(counters["succeeded"], 4)

    def test_sigterm_stops_bootstraps(self):
        emulator = EmulatorProcess("--bootstrap", BOOTSTRAP, "--concurrency", "2")
        try:
            pids = [b["pid"] for b in emulator.status()["bootstraps"]]
            emulator.process.send_signal(signal.SIGTERM)
            self.assertEqual(emulator.process.wait(timeout=WAIT_SECONDS), 0)
            for pid in pids:
                self.assertFalse(pid_alive(pid), "bootstrap %d still running" % pid)
        finally:
            emulator.stop()


@unittest.skipUnless(EMULATOR, "EXIFSCRUB_EMULATOR is set by ctest")
class ExternalBootstrapTest(unittest.TestCase):
    def test_runtime_api_on_main_port(self):
        emulator = EmulatorProcess()
        self.addCleanup(emulator.stop)
        import threading
        result = {}

        def invoke():
            result["reply"] = emulator.invoke({"ping": 1})

        thread = threading.Thread(target=invoke)
        thread.start()
        status, headers, body = emulator.request("/2018-06-01/runtime/invocation/next")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), {"ping": 1})
        request_id = headers["Lambda-Runtime-Aws-Request-Id"]
        self.assertGreater(int(headers["Lambda-Runtime-Deadline-Ms"]), int(time.time() * 1000))
        self.assertEqual(headers["Lambda-Runtime-Invoked-Function-Arn"],
                         "arn:aws:lambda:us-east-1:000000000000:function:exifscrub")
        self.assertTrue(headers["Lambda-Runtime-Trace-Id"].startswith("Root=1-"))
        status, _, _ = emulator.request("/2018-06-01/runtime/invocation/%s/response" % request_id, b'{"pong":1}')
        self.assertEqual(status, 202)
        thread.join(WAIT_SECONDS)
        self.assertEqual(result["reply"][2], b'{"pong":1}')
        status, _, body = emulator.request("/2018-06-01/runtime/invocation/%s/response" % request_id, b"{}")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["errorType"], "InvalidRequestID")


if __name__ == "__main__":
    unittest.main(verbosity=2)
