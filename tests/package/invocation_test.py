"""A real Lambda invocation of the packaged bootstrap in an empty root.

The project's Runtime API emulator starts the bootstrap through a launcher
that enters an empty root (only the zip under /var/task and /etc/resolv.conf)
with Lambda's environment. A synchronous invocation carries an
S3 event for a photo with GPS tags uploaded to the local Ceph RGW. The
bootstrap must fetch it, scrub it and store the result under the same key in
the destination bucket. The S3 endpoint is given by a host name that a
loopback DNS server resolves, so the real binary's name resolution runs with
no nsswitch.conf as well.

Needs root, the exifscrub binary, the emulator and the RGW started by CTest's
rgw fixture (the environment of scripts/local-rgw.sh: AWS_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION).

Usage: invocation_test.py   Exits 77 when the test was skipped.
"""

import json
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request
import uuid

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import lambda_root  # noqa: E402
import loopback_servers  # noqa: E402
import package_test  # noqa: E402

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
ENDPOINT_HOST = "rgw.package-test.internal"
# Variables the launcher passes from the emulator to the bootstrap; the rest
# of the bootstrap's environment is what Lambda sets.
PASSED_VARIABLES = (
    "AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_ENDPOINT_URL", "SOURCE_BUCKET", "DEST_BUCKET",
    "LOG_LEVEL",
)
# The exact message of an exifscrub build whose CLI does not call the runtime loop yet.
NO_RUNTIME_MESSAGE = ("exifscrub: error: this build does not include the Lambda runtime; run "
                      "'exifscrub --help' for the local commands\n")

LAUNCHER = """#!{python}
# Started by the emulator in place of the bootstrap: enters the empty root.
import os, sys
sys.path.insert(0, {module_dir!r})
import lambda_root
passed = {{name: os.environ[name] for name in {passed!r} if name in os.environ}}
passed["AWS_ENDPOINT_URL"] = {endpoint!r}
command = lambda_root.command_in_root({root!r}, ["/var/task/bootstrap"],
                                      lambda_root.lambda_environment(**passed))
os.execv(command[0], command)
"""


EMULATOR = REPOSITORY / "tools/lambda-emulator/emulator.py"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def s3_event(bucket, key, size):
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-01-01T00:00:00.000Z", "eventName": "ObjectCreated:Put",
        "s3": {"s3SchemaVersion": "1.0",
               "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": size,
                          "sequencer": "0061A0B0C0D0E0F000"}},
    }]}


class InvocationTest(unittest.TestCase):
    def setUp(self):
        reason = lambda_root.can_chroot()
        if reason is not None:
            self.skipTest(reason)
        if not package_test.EXIFSCRUB or not os.path.exists(package_test.EXIFSCRUB):
            self.skipTest("the exifscrub binary is not built")
        for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            if name not in os.environ:
                self.skipTest(f"{name} is not set; run through CTest's rgw fixture")
        self.check_runtime_present()
        import boto3  # Only this test needs boto3, which install-deps.sh provides.
        from botocore.config import Config
        self.s3 = boto3.client(
            "s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
            config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2}))
        self.scratch = tempfile.TemporaryDirectory(dir=package_test.WORK_DIR,
                                                   prefix="invocation-test-")
        self.folder = pathlib.Path(self.scratch.name)

    def tearDown(self):
        if hasattr(self, "scratch"):
            self.scratch.cleanup()

    def check_runtime_present(self):
        # NOTE: skips only while the CLI does not start the runtime loop yet;
        # any other early exit of the bootstrap fails the test below.
        with loopback_servers.NextRecorder() as recorder:
            process = subprocess.Popen(
                ["bash", "-c", 'exec -a bootstrap "$0"', package_test.EXIFSCRUB],
                env=dict(os.environ, AWS_LAMBDA_RUNTIME_API=recorder.api,
                         SOURCE_BUCKET="photos-a", DEST_BUCKET="photos-b"),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
            process.kill()
            _, errors = process.communicate(timeout=30)
        if errors.decode() == NO_RUNTIME_MESSAGE:
            self.skipTest("this exifscrub build does not include the Lambda runtime loop yet")

    def make_buckets(self):
        run = uuid.uuid4().hex[:8]
        source, destination = f"package-{run}-a", f"package-{run}-b"
        for bucket in (source, destination):
            self.s3.create_bucket(Bucket=bucket)
            self.addCleanup(self.delete_bucket, bucket)
        return source, destination

    def delete_bucket(self, bucket):
        listing = self.s3.list_objects_v2(Bucket=bucket)
        for item in listing.get("Contents", []):
            self.s3.delete_object(Bucket=bucket, Key=item["Key"])
        self.s3.delete_bucket(Bucket=bucket)

    def start_emulator(self, launcher, environment):
        port = free_port()
        log = self.folder / "bootstrap.log"
        emulator = subprocess.Popen(
            ["/usr/bin/python3", str(EMULATOR), "--port", str(port),
             "--bootstrap", str(launcher), "--log", str(log), "--timeout", "30"],
            env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addCleanup(self.stop_emulator, emulator)
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=2):
                    return f"http://127.0.0.1:{port}", log
            except OSError:
                time.sleep(0.1)
        self.fail(f"the emulator did not respond on 127.0.0.1:{port} within 10 s")

    @staticmethod
    def stop_emulator(emulator):
        emulator.terminate()
        try:
            emulator.wait(timeout=30)
        except subprocess.TimeoutExpired:
            emulator.kill()
            emulator.wait(timeout=30)

    def invoke(self, url, event):
        request = urllib.request.Request(
            f"{url}/2015-03-31/functions/function/invocations",
            data=json.dumps(event).encode(), method="POST",
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()

    def test_invocation_scrubs_photo(self):
        photo = package_test.make_photo_with_gps(self.folder)
        expected = self.folder / "expected.jpg"
        subprocess.run([package_test.EXIFSCRUB, "strip", str(photo), "-o", str(expected),
                        "--quiet"], capture_output=True, timeout=60, check=True)
        source, destination = self.make_buckets()
        key = "uploads/2026/photo 1.jpg"
        self.s3.put_object(Bucket=source, Key=key, Body=photo.read_bytes())

        zip_path = self.folder / "dist" / package_test.ZIP_NAME
        result = package_test.package(package_test.EXIFSCRUB, self.folder / "dist")
        self.assertEqual(result.returncode, 0, result.stderr)
        port = urllib.parse.urlsplit(os.environ["AWS_ENDPOINT_URL"]).port
        with loopback_servers.DnsServer({ENDPOINT_HOST: "127.0.0.1"}) as dns:
            root = lambda_root.make_root(self.folder / "root", zip_path,
                                         resolv_conf=f"nameserver {dns.address}\n")
            launcher = self.folder / "launcher.py"
            launcher.write_text(LAUNCHER.format(
                python=sys.executable, module_dir=str(pathlib.Path(__file__).parent),
                passed=PASSED_VARIABLES, endpoint=f"http://{ENDPOINT_HOST}:{port}",
                root=str(root)))
            launcher.chmod(0o755)
            environment = dict(os.environ, SOURCE_BUCKET=source, DEST_BUCKET=destination)
            url, log = self.start_emulator(launcher, environment)
            status, body = self.invoke(url, s3_event(source, key, photo.stat().st_size))

        self.assertEqual(status, 200, body)
        self.assertNotIn("errorType", body, log.read_text(errors="replace"))
        self.assertIn((ENDPOINT_HOST, 1), dns.questions)
        cleaned = self.s3.get_object(Bucket=destination, Key=key)["Body"].read()
        self.assertEqual(cleaned, expected.read_bytes())
        stored = self.folder / "stored.jpg"
        stored.write_bytes(cleaned)
        self.assertEqual(package_test.exiftool_tags(stored, "-GPSLatitude", "-GPSLongitude",
                                                    "-Make", "-SerialNumber"), "-\n-\n-\n-\n")


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(InvocationTest)
    outcome = unittest.TextTestRunner(verbosity=2).run(suite)
    if not outcome.wasSuccessful():
        sys.exit(1)
    sys.exit(77 if outcome.skipped else 0)
