#!/usr/bin/python3
"""Ceph RGW push notifications through the emulator into the real runtime loop.

Creates a bucket of its own, a topic whose push endpoint is the emulator's
/rgw sink and a bucket notification, then uploads and deletes objects with
awkward keys. Checks the records that RGW actually sent and the object
events that the bootstrap decoded from them. Needs the local RGW (run
through tests/support/with-env.sh); the bootstrap is test_bootstrap.cc, so
no object is scrubbed here.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import boto3
from botocore.config import Config

BOOTSTRAP = os.environ.get("EXIFSCRUB_TEST_BOOTSTRAP", "")
EMULATOR = os.environ.get("EXIFSCRUB_EMULATOR", "")
WAIT_SECONDS = 60
KEYS = ["plain.jpg", "with space+plus%pct/caf\u00e9.JPG", "deep/a/b/c/d/e/IMG_0001.jpeg", "notes.txt"]


def clients():
    config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2})
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    region = os.environ.get("AWS_REGION", "us-east-1")
    return (boto3.client("s3", endpoint_url=endpoint, region_name=region, config=config),
            boto3.client("sns", endpoint_url=endpoint, region_name=region, config=config))


@unittest.skipUnless(BOOTSTRAP and EMULATOR and os.environ.get("AWS_ENDPOINT_URL"),
                     "needs the local RGW environment and the test bootstrap (run through ctest)")
class RgwNotificationTest(unittest.TestCase):
    def setUp(self):
        self.s3, self.sns = clients()
        for client in (self.s3, self.sns):
            if hasattr(client, "close"):  # botocore before 1.26 has no close()
                self.addCleanup(client.close)
        self.bucket = "lambda-notify-%d" % os.getpid()
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.capture = os.path.join(self.dir.name, "capture.jsonl")
        self.log = os.path.join(self.dir.name, "bootstrap.log")
        self.start_emulator()
        self.s3.create_bucket(Bucket=self.bucket)
        # Deleting the bucket also deletes its notification configuration.
        self.addCleanup(self.remove_bucket)
        topic = self.sns.create_topic(Name=self.bucket, Attributes={
            "push-endpoint": "http://127.0.0.1:%d/rgw" % self.port, "persistent": "false"})
        self.topic_arn = topic["TopicArn"]
        self.addCleanup(self.sns.delete_topic, TopicArn=self.topic_arn)
        self.s3.put_bucket_notification_configuration(Bucket=self.bucket, NotificationConfiguration={
            "TopicConfigurations": [{"Id": "lambda", "TopicArn": self.topic_arn,
                                     "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}]})

    def start_emulator(self):
        port_file = os.path.join(self.dir.name, "port")
        env = dict(os.environ, SOURCE_BUCKET=self.bucket, DEADLINE_MARGIN_MS="0")
        env.setdefault("DEST_BUCKET", "photos-b")
        self.emulator = subprocess.Popen(
            [sys.executable, EMULATOR, "--port", "0", "--port-file", port_file, "--log", self.log,
             "--capture", self.capture, "--bootstrap", BOOTSTRAP], env=env, stderr=subprocess.DEVNULL)
        self.addCleanup(self.stop_emulator)
        deadline = time.monotonic() + WAIT_SECONDS
        while not os.path.exists(port_file):
            self.assertLess(time.monotonic(), deadline, "emulator did not start")
            self.assertIsNone(self.emulator.poll(), "emulator exited")
            time.sleep(0.05)
        with open(port_file, encoding="utf-8") as f:
            self.port = int(f.read())

    def stop_emulator(self):
        if self.emulator.poll() is None:
            self.emulator.send_signal(signal.SIGTERM)
            self.emulator.wait(timeout=WAIT_SECONDS)

    def remove_bucket(self):
        for key in KEYS:
            self.s3.delete_object(Bucket=self.bucket, Key=key)
        self.s3.delete_bucket(Bucket=self.bucket)

    def wait_for_events(self, count):
        import urllib.request
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            with urllib.request.urlopen("http://127.0.0.1:%d/status" % self.port, timeout=10) as response:
                status = json.loads(response.read())
            if status["async_events"] >= count and status["async_pending"] == 0:
                return status
            time.sleep(0.1)
        self.fail("RGW did not deliver %d notifications; last status %s" % (count, status))

    def test_keys_arrive_unencoded_and_decode_exactly(self):
        for key in KEYS:
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"not a jpeg")
        self.s3.delete_object(Bucket=self.bucket, Key="plain.jpg")
        status = self.wait_for_events(len(KEYS) + 1)
        self.assertEqual(status["succeeded"], len(KEYS) + 1)
        self.assertEqual(status["dead_letters"], 0)

        with open(self.capture, encoding="utf-8") as f:
            records = [record for line in f for record in json.loads(line)["Records"]]
        self.assertEqual([r["s3"]["object"]["key"] for r in records], KEYS + ["plain.jpg"])
        for record in records:
            self.assertEqual(record["eventSource"], "ceph:s3")
            self.assertTrue(record["eventVersion"].startswith("2."), record["eventVersion"])
            self.assertEqual(record["s3"]["bucket"]["name"], self.bucket)

        with open(self.log, encoding="utf-8") as f:
            lines = [json.loads(line) for line in f if line.startswith("{")]
        objects = [(line["event_name"], line["key"], line["action"], line["outcome"])
                   for line in lines if "key" in line and "_aws" not in line]
        self.assertEqual(objects, [
            ("ObjectCreated:Put", "plain.jpg", "created", "scrubbed"),
            ("ObjectCreated:Put", "with space+plus%pct/caf\u00e9.JPG", "created", "scrubbed"),
            ("ObjectCreated:Put", "deep/a/b/c/d/e/IMG_0001.jpeg", "created", "scrubbed"),
            ("ObjectCreated:Put", "notes.txt", "created", "skipped"),
            ("ObjectRemoved:Delete", "plain.jpg", "removed", "scrubbed"),
        ])


if __name__ == "__main__":
    unittest.main(verbosity=2)
