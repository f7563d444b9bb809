#!/usr/bin/python3
"""Compare our bootstrap with the reference Python handler on the local stack.

For each implementation it measures, on this machine:
  cold start    process start to its first GET /invocation/next, against a
                Runtime API listener of its own (median of --cold-runs)
  duration      one synchronous invocation of the function on an S3 event
                for an object already in A (GET, scrub, PUT to B), timed at
                the emulator's Invoke API: what Lambda would bill
                (median and p95 of --latency-objects)
  latency       upload to A -> object readable in B, one object at a time
                through RGW, the notification, the emulator and the function
                (median and p95 of --latency-objects)
  throughput    --throughput-objects uploads from 16 boto3 threads with 16
                function processes: objects per second until all are in B
  peak RSS      the largest VmHWM of any function process after the
                throughput run
and derives a cost per million images from AWS Lambda prices (see --help).
Both run through the same scripts/local-stack.sh, emulator and Ceph RGW.

Prints a Markdown table and writes the raw figures as JSON (--json).
Does not assert anything: figures only.
"""

import argparse
import concurrent.futures
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import boto3
from botocore.config import Config

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.dirname(os.path.abspath(__file__))
# AWS Lambda, x86_64, US East (N. Virginia), first duration tier, from
# https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html
PRICE_PER_GB_SECOND = 0.00001667
PRICE_PER_MILLION_REQUESTS = 0.20


def measure_cold_start(bootstrap, env, timeout_s=60):
    """Starts bootstrap once; returns ms until its first GET /invocation/next."""
    first_next = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            first_next.set()
            time.sleep(timeout_s)  # never hands out an event; the process is killed

        def do_POST(self):
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    process_env = dict(env, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}")
    started = time.monotonic()
    process = subprocess.Popen([bootstrap], env=process_env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        if not first_next.wait(timeout_s):
            raise RuntimeError(f"{bootstrap} did not call /invocation/next within {timeout_s} s")
        return (time.monotonic() - started) * 1000.0
    finally:
        process.kill()
        process.wait()
        server.shutdown()


class Stack:
    """scripts/local-stack.sh on an RGW started once for the whole benchmark."""

    def __init__(self, rgw_env_file, side_env, bootstrap, concurrency, lambda_port, stack_dir):
        self.env = dict(os.environ, **side_env, STACK_RGW_ENV=rgw_env_file, STACK_DIR=stack_dir,
                        LAMBDA_PORT=str(lambda_port), LAMBDA_CONCURRENCY=str(concurrency),
                        LAMBDA_BOOTSTRAP=bootstrap, LOG_LEVEL="warn")
        self.stack_dir = stack_dir

    def __enter__(self):
        self._run("up")
        return self

    def __exit__(self, *exc):
        self._run("down")

    def _run(self, action):
        subprocess.run([os.path.join(ROOT, "scripts", "local-stack.sh"), action],
                       env=self.env, check=True, capture_output=True, timeout=180)

    def function_pids(self):
        """Returns the PIDs of the emulator's child processes (the functions)."""
        with open(os.path.join(self.stack_dir, "stack.env"), encoding="ascii") as f:
            emulator = next(line.split("=", 1)[1].strip() for line in f
                            if line.startswith("EMULATOR_PID="))
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == emulator:
                pids.append(int(entry))
        return pids


def peak_rss_kb(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def wait_until_present(s3, bucket, key, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            s3.head_object(Bucket=bucket, Key=key)
            return True
        except s3.exceptions.ClientError:
            time.sleep(0.005)
    return False


def count_objects(s3, bucket):
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sum(page.get("KeyCount", 0) for page in pages)


def s3_event(bucket, key, size):
    """Returns an RGW-style notification for one created object (key not encoded)."""
    record = {"eventVersion": "2.2", "eventSource": "ceph:s3", "awsRegion": "",
              "eventTime": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
              "eventName": "ObjectCreated:Put",
              "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket},
                     "object": {"key": key, "size": size, "eTag": "", "sequencer": ""}}}
    return json.dumps({"Records": [record]}).encode()


def upload_for_duration(s3, env, photos, count, run_id):
    """Uploads the objects for measure_duration while no notification is configured."""
    keys = []
    for index in range(count):
        key = f"{run_id}/duration/{index:04d}.jpg"
        s3.put_object(Bucket=env["SOURCE_BUCKET"], Key=key, Body=photos[index % len(photos)])
        keys.append((key, len(photos[index % len(photos)])))
    return keys


def measure_duration(lambda_url, env, keys):
    durations = []
    for key, size in keys:
        request = urllib.request.Request(
            lambda_url + "/2015-03-31/functions/function/invocations",
            data=s3_event(env["SOURCE_BUCKET"], key, size), method="POST")
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
        durations.append((time.monotonic() - started) * 1000.0)
        if response.status != 200 or b"errorType" in body:
            raise RuntimeError(f"invocation for {key} failed: {body[:300]!r}")
    return durations


def measure_latency(s3, env, photos, count, run_id):
    latencies = []
    for index in range(count):
        key = f"{run_id}/latency/{index:04d}.jpg"
        started = time.monotonic()
        s3.put_object(Bucket=env["SOURCE_BUCKET"], Key=key, Body=photos[index % len(photos)])
        if not wait_until_present(s3, env["DEST_BUCKET"], key):
            raise RuntimeError(f"{key} did not arrive in {env['DEST_BUCKET']}")
        latencies.append((time.monotonic() - started) * 1000.0)
    return latencies


def measure_throughput(s3, env, photos, count, threads, run_id, timeout_s=600):
    # Keys are new in every run, so the destination's count grows by exactly count.
    before = count_objects(s3, env["DEST_BUCKET"])
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(s3.put_object, Bucket=env["SOURCE_BUCKET"],
                               Key=f"{run_id}/throughput/{index:05d}.jpg",
                               Body=photos[index % len(photos)]) for index in range(count)]
        for future in futures:
            future.result()
    deadline = started + timeout_s
    while count_objects(s3, env["DEST_BUCKET"]) - before < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"not all {count} objects arrived within {timeout_s} s")
        time.sleep(0.1)
    return count / (time.monotonic() - started)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run_one(name, bootstrap, args, rgw_env, photos):
    print(f"[side-by-side] {name}: cold start", file=sys.stderr)
    env = dict(os.environ, **rgw_env, LOG_LEVEL="warn")
    cold = [measure_cold_start(bootstrap, env) for _ in range(args.cold_runs)]

    s3 = boto3.client("s3", endpoint_url=rgw_env["AWS_ENDPOINT_URL"],
                      config=Config(max_pool_connections=32, read_timeout=60))
    for bucket in (rgw_env["SOURCE_BUCKET"], rgw_env["DEST_BUCKET"]):
        s3.create_bucket(Bucket=bucket)
    duration_keys = upload_for_duration(s3, rgw_env, photos, args.latency_objects, args.run_id)
    with tempfile.TemporaryDirectory() as stack_dir:
        print(f"[side-by-side] {name}: duration and latency, 1 process", file=sys.stderr)
        with Stack(args.rgw_env_file, rgw_env, bootstrap, 1, args.lambda_port, stack_dir):
            durations = measure_duration(f"http://127.0.0.1:{args.lambda_port}", rgw_env,
                                         duration_keys)
            latencies = measure_latency(s3, rgw_env, photos, args.latency_objects, args.run_id)
    with tempfile.TemporaryDirectory() as stack_dir:
        print(f"[side-by-side] {name}: throughput, {args.concurrency} processes", file=sys.stderr)
        with Stack(args.rgw_env_file, rgw_env, bootstrap, args.concurrency, args.lambda_port,
                   stack_dir) as stack:
            rate = measure_throughput(s3, rgw_env, photos, args.throughput_objects,
                                      args.concurrency, args.run_id)
            rss = max(peak_rss_kb(pid) for pid in stack.function_pids())
    return {"name": name, "cold_start_ms": statistics.median(cold), "cold_runs": cold,
            "duration_ms_median": statistics.median(durations),
            "duration_ms_p95": percentile(durations, 0.95),
            "latency_ms_median": statistics.median(latencies),
            "latency_ms_p95": percentile(latencies, 0.95),
            "images_per_second": rate, "peak_rss_kb": rss}


def cost_per_million(result, memory_mb):
    """Lambda cost of one million images, billed duration = median local duration."""
    seconds = result["duration_ms_median"] / 1000.0
    duration = 1e6 * seconds * (memory_mb / 1024.0) * PRICE_PER_GB_SECOND
    return duration + PRICE_PER_MILLION_REQUESTS


def print_table(results, memory_mb, concurrency):
    print("| | cold start (ms, median) | function duration (ms, median / p95) | "
          f"latency upload->B (ms, median / p95) | images/s at concurrency {concurrency} | "
          f"peak RSS per process (MB) | cost per million images at {memory_mb} MB (USD) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['name']} | {r['cold_start_ms']:.0f} | {r['duration_ms_median']:.0f} / "
              f"{r['duration_ms_p95']:.0f} | {r['latency_ms_median']:.0f} / "
              f"{r['latency_ms_p95']:.0f} | {r['images_per_second']:.1f} | "
              f"{r['peak_rss_kb'] / 1024:.0f} | {cost_per_million(r, memory_mb):.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rgw-env-file", required=True,
                        help="env file of a running RGW (scripts/local-rgw.sh up --env-file)")
    parser.add_argument("--exifscrub", default=os.path.join(ROOT, "build", "bin", "exifscrub"),
                        help="our binary; a symlink named bootstrap is made next to the JSON")
    parser.add_argument("--only", choices=["exifscrub", "python"], help="run one side only")
    parser.add_argument("--photos", nargs="+", required=True, help="JPEG files to upload")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--latency-objects", type=int, default=40)
    parser.add_argument("--throughput-objects", type=int, default=320)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--lambda-port", type=int, default=9021)
    parser.add_argument("--memory-mb", type=int, default=512,
                        help="Lambda memory size assumed for the cost (MB)")
    parser.add_argument("--json", required=True, help="file for the raw figures")
    args = parser.parse_args()
    args.run_id = f"run-{int(time.time())}"

    rgw_env = {}
    with open(args.rgw_env_file, encoding="utf-8") as f:
        for line in f:
            if line.startswith("export ") and "=" in line:
                name, value = line[len("export "):].strip().split("=", 1)
                rgw_env[name] = value
    os.environ.update(rgw_env)
    photos = []
    for path in args.photos:
        with open(path, "rb") as f:
            photos.append(f.read())

    bootstrap_link = os.path.join(os.path.dirname(os.path.abspath(args.json)), "bootstrap")
    if os.path.lexists(bootstrap_link):
        os.remove(bootstrap_link)
    os.symlink(os.path.abspath(args.exifscrub), bootstrap_link)
    sides = [("exifscrub", bootstrap_link), ("python", os.path.join(HERE, "bootstrap.py"))]
    results = []
    for name, bootstrap in sides:
        if args.only and args.only != name:
            continue
        side_env = dict(rgw_env, SOURCE_BUCKET=f"bench-{name}-a", DEST_BUCKET=f"bench-{name}-b")
        results.append(run_one(name, bootstrap, args, side_env, photos))
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"memory_mb": args.memory_mb, "results": results}, f, indent=2)
    print_table(results, args.memory_mb, args.concurrency)


if __name__ == "__main__":
    main()
