#!/usr/bin/python3
"""End-to-end soak: 500 uploads from 16 boto3 threads, none lost, none wrong.

Every object must arrive in the destination under its key, equal byte for
byte to the CLI's output for the same input, decode with Pillow at the rotated
size, and carry no metadata by one batched exiftool run. Prints the duration
from the first upload to the last object in the destination; that figure is a
report, not an assertion. Objects are small (about 4 KB) because the test RGW
keeps its data in RAM.

Environment as for pipeline_test.py; SOAK_OBJECTS and SOAK_THREADS override
the counts.
"""

import concurrent.futures
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as support  # noqa: E402

LAMBDA_PORT = int(os.environ.get("E2E_SOAK_LAMBDA_PORT", "9012"))
OBJECTS = int(os.environ.get("SOAK_OBJECTS", "500"))
THREADS = int(os.environ.get("SOAK_THREADS", "16"))
ARRIVAL_TIMEOUT_S = 300


def soak_key(index):
    # A mix of the key shapes the pipeline must keep: spaces, '+', upper-case suffix, depth.
    shapes = ["soak/{0:04d}.jpg", "soak/dir {0}/photo+{0}.JPG", "soak/a/b/c/{0:04d} x.jpeg"]
    return shapes[index % len(shapes)].format(index)


class SoakTest(unittest.TestCase):
    def test_soak_uploads_none_lost(self):
        stack = support.LocalStack("soak", LAMBDA_PORT, concurrency=4)
        stack.up()
        try:
            self.run_soak(stack)
        finally:
            stack.down()

    def run_soak(self, stack):
        photos = {soak_key(i): support.make_photo(i, width=96, height=64) for i in range(OBJECTS)}
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
            uploads = [pool.submit(stack.s3.put_object, Bucket=stack.source_bucket, Key=key,
                                   Body=body) for key, body in photos.items()]
            for upload in uploads:
                upload.result()
        uploaded = time.monotonic()

        arrived = self.wait_for_count(stack, OBJECTS)
        finished = time.monotonic()
        status = stack.wait_idle(60)
        print(f"soak: {OBJECTS} uploads from {THREADS} threads in {uploaded - started:.1f} s, "
              f"all {arrived} in the destination after {finished - started:.1f} s "
              f"({OBJECTS / (finished - started):.1f} objects/s); emulator errors "
              f"{status['errors']}, async retries {status['async_retries']}")
        self.assertEqual(arrived, OBJECTS)
        self.assertEqual(status["errors"], 0)
        self.assertEqual(status["async_retries"], 0)
        self.check_objects(stack, photos)

    def wait_for_count(self, stack, expected):
        deadline = time.monotonic() + ARRIVAL_TIMEOUT_S
        count = 0
        while time.monotonic() < deadline:
            count = sum(page.get("KeyCount", 0) for page in
                        stack.s3.get_paginator("list_objects_v2").paginate(
                            Bucket=stack.dest_bucket))
            if count >= expected:
                break
            time.sleep(0.5)
        return count

    def check_objects(self, stack, photos):
        with tempfile.TemporaryDirectory() as tmp:
            paths = {}
            wrong = []
            for index, (key, body) in enumerate(photos.items()):
                scrubbed = stack.get_dest(key)
                if scrubbed is None:
                    wrong.append((key, "missing"))
                    continue
                if scrubbed != support.scrub_with_cli(body):
                    wrong.append((key, "differs from the CLI's output"))
                if support.decoded_size(scrubbed) != (64, 96):
                    wrong.append((key, "not decoded at the rotated size 64x96"))
                paths[key] = os.path.join(tmp, f"{index}.jpg")
                with open(paths[key], "wb") as f:
                    f.write(scrubbed)
            leftovers = support.leftover_tags(list(paths.values()))
            wrong += [(key, f"metadata left: {leftovers[path]}")
                      for key, path in paths.items() if leftovers[path]]
        self.assertEqual(wrong, [])


if __name__ == "__main__":
    sys.exit(support.run_tests(SoakTest))
