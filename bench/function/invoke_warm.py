#!/usr/bin/python3
"""Time warm synchronous invocations of the function through the emulator.

Sends WARMUP + ROUNDS S3 ObjectCreated:Put notifications for one object to the
emulator's Invoke API, one after the other, and prints the median round trip
of the last ROUNDS in milliseconds. Each notification carries a greater
sequencer than the one before, so the function scrubs the object every time
instead of skipping a duplicate. With --delete-first, the destination copy
is deleted before each invocation, outside the timed part, so every
invocation writes a new object, the common case. Without it each invocation
overwrites the previous result, which costs a PUT that fails with 412, a HEAD
and a second GET and scrub. A reply that is an error, or a body that reports
a failed object, stops the run with exit status 1.

Does not start the emulator or the bootstrap: bench/function/run.sh does.
Uses the standard library, and boto3 for --delete-first.
"""

import argparse
import json
import os
import statistics
import sys
import time
import urllib.request

INVOKE_PATH = "/2015-03-31/functions/function/invocations"


def notification(bucket, key, size, etag, sequence):
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": "us-east-1",
        "eventTime": "2026-12-04T20:00:00.000Z",
        "eventName": "ObjectCreated:Put",
        "s3": {
            "s3SchemaVersion": "1.0",
            "bucket": {"name": bucket},
            "object": {"key": key, "size": size, "eTag": etag, "sequencer": f"{sequence:020d}"},
        },
    }
    return json.dumps({"Records": [record]}).encode()


def invoke(url, payload, timeout):
    request = urllib.request.Request(url, data=payload, method="POST",
                                     headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
        function_error = response.headers.get("X-Amz-Function-Error")
    elapsed_ms = (time.perf_counter() - start) * 1000
    if function_error:
        sys.exit(f"invoke_warm: the function returned an error ({function_error}): {body[:300]!r}")
    return elapsed_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="emulator port on 127.0.0.1")
    parser.add_argument("--bucket", required=True, help="source bucket named in the event")
    parser.add_argument("--key", required=True, help="object key named in the event")
    parser.add_argument("--size", type=int, required=True, help="object size in bytes")
    parser.add_argument("--etag", required=True, help="object ETag without quotes")
    parser.add_argument("--rounds", type=int, default=20, help="timed invocations (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed invocations first (default 3)")
    parser.add_argument("--delete-first", metavar="DEST_BUCKET",
                        help="delete KEY from this bucket before each invocation, untimed")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per invocation (default 60)")
    args = parser.parse_args()
    if not 1 <= args.rounds <= 10000 or not 0 <= args.warmup <= 100:
        sys.exit("invoke_warm: --rounds must be 1 to 10000 and --warmup 0 to 100")

    delete_destination = lambda: None
    if args.delete_first:
        import boto3  # only here: the timing itself needs no AWS SDK

        s3 = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
        delete_destination = lambda: s3.delete_object(Bucket=args.delete_first, Key=args.key)

    url = f"http://127.0.0.1:{args.port}{INVOKE_PATH}"
    first_sequence = time.time_ns()
    timings = []
    for index in range(args.warmup + args.rounds):
        delete_destination()
        payload = notification(args.bucket, args.key, args.size, args.etag, first_sequence + index)
        elapsed_ms = invoke(url, payload, args.timeout)
        if index >= args.warmup:
            timings.append(elapsed_ms)
    print(f"{statistics.median(timings):.2f}")


if __name__ == "__main__":
    main()
