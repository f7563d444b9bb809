"""Shared helpers for the end-to-end tests: one local stack per test program.

Each program brings up scripts/local-stack.sh on the RGW that CTest's rgw
fixture started (STACK_RGW_ENV), with its own emulator port and its own pair
of buckets. So the programs can run in parallel with each other and with the
other RGW tests, and none sees another's events. Test photos are made here
with Pillow plus hand-built XMP and IPTC segments, in memory.

Does not start or stop the RGW itself and does not build the binary.
"""

import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

import boto3
from botocore.config import Config
from PIL import Image, ImageDraw

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_DIR = os.environ.get("EXIFSCRUB_BUILD_DIR", os.path.join(ROOT, "build"))
CLI = os.path.join(BUILD_DIR, "bin", "exifscrub")
# exiftool groups (-G1) that a scrubbed file may still have: file facts,
# JFIF, the ICC profile, Adobe APP14 and values exiftool derives itself.
ALLOWED_GROUPS = {"ExifTool", "System", "File", "JFIF", "Adobe", "Composite"}
ALLOWED_GROUP_PREFIXES = ("ICC",)
# exiftool reports a COM segment as File:Comment, inside an allowed group.
FORBIDDEN_TAGS = {"File:Comment"}


def s3_client(max_pool_connections=10):
    config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3},
                    max_pool_connections=max_pool_connections)
    return boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"], config=config)


class LocalStack:
    """A running scripts/local-stack.sh with its own buckets and emulator."""

    def __init__(self, name, lambda_port, concurrency):
        self.run_id = uuid.uuid4().hex[:8]
        self.source_bucket = f"e2e-{name}-{self.run_id}-a"
        self.dest_bucket = f"e2e-{name}-{self.run_id}-b"
        self.stack_dir = os.path.join(BUILD_DIR, "e2e-stacks", f"{name}-{self.run_id}")
        self.lambda_url = f"http://127.0.0.1:{lambda_port}"
        self.lambda_log = os.path.join(self.stack_dir, "log", "lambda.log")
        self.env = dict(os.environ, STACK_DIR=self.stack_dir, BUILD_DIR=BUILD_DIR,
                        LAMBDA_PORT=str(lambda_port), LAMBDA_CONCURRENCY=str(concurrency),
                        SOURCE_BUCKET=self.source_bucket, DEST_BUCKET=self.dest_bucket)
        self.s3 = s3_client(max_pool_connections=32)

    def up(self):
        for bucket in (self.source_bucket, self.dest_bucket):
            self.s3.create_bucket(Bucket=bucket)
        self._run("up")

    def down(self):
        self._run("down")

    def _run(self, action):
        script = os.path.join(ROOT, "scripts", "local-stack.sh")
        result = subprocess.run([script, action], env=self.env, capture_output=True,
                                text=True, timeout=180)
        if result.returncode != 0:
            raise RuntimeError(f"local-stack.sh {action} failed ({result.returncode}):\n"
                               f"{result.stderr[-3000:]}")

    def status(self):
        import urllib.request
        with urllib.request.urlopen(self.lambda_url + "/status", timeout=5) as response:
            return json.load(response)

    def wait_idle(self, timeout_s):
        """Wait until the emulator has nothing queued or running; returns its status."""
        deadline = time.monotonic() + timeout_s
        while True:
            status = self.status()
            busy = status["queued"] + status["in_flight"] + status["async_pending"]
            if busy == 0:
                return status
            if time.monotonic() > deadline:
                raise AssertionError(f"emulator still busy after {timeout_s} s: "
                                     f"queued {status['queued']}, in_flight {status['in_flight']}, "
                                     f"async_pending {status['async_pending']}")
            time.sleep(0.2)

    def get_dest(self, key):
        """Returns the bytes of key in the destination bucket, or None when absent."""
        try:
            return self.s3.get_object(Bucket=self.dest_bucket, Key=key)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return None

    def wait_dest(self, key, present, timeout_s=30):
        """Polls the destination until key is present (or absent); returns its bytes."""
        deadline = time.monotonic() + timeout_s
        while True:
            body = self.get_dest(key)
            if (body is not None) == present:
                return body
            if time.monotonic() > deadline:
                return body
            time.sleep(0.2)

    def object_log_lines(self, key):
        """Returns the bootstrap's JSON log lines for one object key."""
        lines = []
        with open(self.lambda_log, encoding="utf-8", errors="replace") as f:
            for line in f:
                if not line.startswith("{"):
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                # The EMF metrics line also carries an outcome but no key.
                if record.get("key") == key and "outcome" in record:
                    lines.append(record)
        return lines


def app_segment(marker, payload):
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def xmp_segment(creator):
    packet = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
              'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
              '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
              f"<dc:creator>{creator}</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>")
    return app_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet.encode())


def iptc_segment(byline):
    value = byline.encode()
    dataset = b"\x1c\x02\x50" + struct.pack(">H", len(value)) + value  # 2:80 By-line
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(dataset))
    resource += dataset + (b"\x00" if len(dataset) % 2 else b"")
    return app_segment(0xED, b"Photoshop 3.0\x00" + resource)


def make_photo(seed, width=240, height=160, orientation=6, quality=85):
    """Builds a small JPEG with GPS, serial, owner, XMP, IPTC, comment and orientation.

    The pixels depend on seed, so every seed gives a different file.
    """
    image = Image.new("RGB", (width, height), ((seed * 37) % 256, (seed * 91) % 256, 120))
    draw = ImageDraw.Draw(image)
    draw.rectangle([seed % (width // 2), 10, width // 2 + seed % 40, height - 10],
                   fill=(250, 250, (seed * 13) % 256))
    draw.text((10, 10), f"TOP {seed}", fill=(0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x013B] = "Jane Example"          # Artist
    exif[0x010F] = "ExampleCam"            # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}  # GPS IFD
    exif[0x8769] = {0xA431: f"SN{seed:08d}",   # BodySerialNumber
                    0xA430: "Jane Example"}    # CameraOwnerName
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, exif=exif.tobytes())
    data = buffer.getvalue()
    comment = app_segment(0xFE, f"private comment {seed}".encode())
    extra = xmp_segment("Jane Example") + iptc_segment("Jane Example") + comment
    return data[:2] + extra + data[2:]


def scrub_with_cli(data):
    """Returns the CLI's output for data (default options, like the Lambda's)."""
    if not os.access(CLI, os.X_OK):
        raise AssertionError(f"{CLI} is missing; build the exifscrub target first")
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "in.jpg")
        target = os.path.join(tmp, "out.jpg")
        with open(source, "wb") as f:
            f.write(data)
        result = subprocess.run([CLI, "strip", source, "-o", target], capture_output=True,
                                text=True, timeout=60)
        if result.returncode != 0:
            raise AssertionError(f"exifscrub strip failed ({result.returncode}): {result.stderr}")
        with open(target, "rb") as f:
            return f.read()


def leftover_tags(paths):
    """Runs one exiftool over paths; returns {path: [group:tag, ...]} of disallowed tags."""
    if not paths:
        return {}
    result = subprocess.run(["exiftool", "-j", "-G1", "-a", "-u", *paths],
                            capture_output=True, text=True, timeout=600)
    if result.returncode not in (0, 1) or not result.stdout:
        raise AssertionError(f"exiftool failed ({result.returncode}): {result.stderr[-2000:]}")
    leftovers = {}
    for entry in json.loads(result.stdout):
        bad = []
        for name in entry:
            group, _, tag = name.partition(":")
            if not tag:
                continue  # SourceFile
            allowed = group in ALLOWED_GROUPS or group.startswith(ALLOWED_GROUP_PREFIXES)
            if allowed and name not in FORBIDDEN_TAGS:
                continue
            bad.append(name)
        leftovers[entry["SourceFile"]] = bad
    return leftovers


def decoded_size(data):
    """Decodes data fully with Pillow; returns (width, height)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.size


def run_tests(test_case):
    """Runs one TestCase, prints 'N passed, N failed' and returns the exit code."""
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(test_case)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    # A test with failing subtests appears once per failing subtest.
    failed = len({str(test).split(" ")[0] for test, _ in result.failures + result.errors})
    passed = result.testsRun - failed - len(result.skipped)
    print(f"{passed} passed, {failed} failed, {len(result.skipped)} skipped")
    return 0 if result.wasSuccessful() else 1
