#!/usr/bin/env python3
"""Every event envelope through the real bootstrap, against the local Ceph RGW.

Starts the Lambda Runtime API emulator with our binary as the bootstrap and
sends synchronous invocations shaped as AWS sends them: SQS batches (with an
SNS envelope inside one message), EventBridge, S3 Batch Operations 1.0 and
2.0, and a direct S3 notification with a failing record. Checks each reply
and the destination bucket. Objects are uploaded to a bucket without
notifications, so only these invocations act on them.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from e2e_support import BUILD_DIR, CLI, ROOT, make_photo, run_tests, s3_client, scrub_with_cli  # noqa: E402

PORT = int(os.environ.get("E2E_ENVELOPES_LAMBDA_PORT", "9014"))


def s3_record(bucket, encoded_key, etag, sequencer, name="ObjectCreated:Put"):
    return {"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventName": name,
            "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                   "object": {"key": encoded_key, "size": 1, "eTag": etag, "sequencer": sequencer}}}


def form_encode(key):
    return urllib.parse.quote_plus(key, safe="/")


class EnvelopeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = s3_client()
        run = uuid.uuid4().hex[:8]
        cls.source = f"e2e-envelopes-{run}-a"
        cls.destination = f"e2e-envelopes-{run}-b"
        for bucket in (cls.source, cls.destination):
            cls.s3.create_bucket(Bucket=bucket)
        cls.work = tempfile.TemporaryDirectory()
        bootstrap = os.path.join(cls.work.name, "bootstrap")
        os.symlink(CLI, bootstrap)
        cls.log = os.path.join(cls.work.name, "lambda.log")
        env = dict(os.environ, DEST_BUCKET=cls.destination, SOURCE_BUCKET=cls.source)
        cls.emulator = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(ROOT, "tools", "lambda-emulator", "emulator.py"),
             "--port", str(PORT), "--bootstrap", bootstrap, "--log", cls.log], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/status", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        cls.emulator.terminate()
        cls.emulator.wait(timeout=60)
        cls.work.cleanup()

    def invoke(self, event):
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}/2015-03-31/functions/function/invocations",
                                         data=json.dumps(event).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.headers.get("X-Amz-Function-Error"), json.loads(response.read() or b"null")

    def upload(self, key, body):
        return self.s3.put_object(Bucket=self.source, Key=key, Body=body)["ETag"].strip('"')

    def destination_bytes(self, key):
        try:
            return self.s3.get_object(Bucket=self.destination, Key=key)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return None

    def test_sqs_batch_reports_exactly_the_failed_item(self):
        good_key = f"sqs/IMG 0001 (1).JPG"
        photo = make_photo(1)
        good_etag = self.upload(good_key, photo)
        sns_key = "sqs/caf\u00e9 + plus%.jpeg"
        sns_photo = make_photo(2)
        sns_etag = self.upload(sns_key, sns_photo)
        bad_key = "sqs/not a photo.jpg"
        bad_etag = self.upload(bad_key, b"%PDF-1.4 not a jpeg")
        sns_body = {"Type": "Notification", "MessageId": "sns-1", "TopicArn": "arn:aws:sns:us-east-1:1:t",
                    "Message": json.dumps({"Records": [s3_record(self.source, form_encode(sns_key), sns_etag, "00B1")]})}
        messages = [
            ("m-good", {"Records": [s3_record(self.source, form_encode(good_key), good_etag, "00A1")]}),
            ("m-bad", {"Records": [s3_record(self.source, form_encode(bad_key), bad_etag, "00A2")]}),
            ("m-sns", sns_body),
        ]
        event = {"Records": [{"messageId": message_id, "receiptHandle": "r", "body": json.dumps(body),
                              "attributes": {}, "messageAttributes": {}, "md5OfBody": "",
                              "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:1:q",
                              "awsRegion": "us-east-1"} for message_id, body in messages]}

        error, reply = self.invoke(event)

        self.assertIsNone(error)
        self.assertEqual(reply, {"batchItemFailures": [{"itemIdentifier": "m-bad"}]})
        self.assertEqual(self.destination_bytes(good_key), scrub_with_cli(photo))
        self.assertEqual(self.destination_bytes(sns_key), scrub_with_cli(sns_photo))
        self.assertIsNone(self.destination_bytes(bad_key))

    def test_eventbridge_created_then_deleted(self):
        key = "eventbridge/deep/path/Photo 2.JPG"
        photo = make_photo(3)
        etag = self.upload(key, photo)

        def event(detail_type, sequencer):
            return {"version": "0", "id": str(uuid.uuid4()), "detail-type": detail_type, "source": "aws.s3",
                    "account": "1", "time": "2026-12-04T00:00:00Z", "region": "us-east-1", "resources": [],
                    "detail": {"version": "0", "bucket": {"name": self.source},
                               "object": {"key": key, "size": len(photo), "etag": etag, "sequencer": sequencer},
                               "request-id": "r", "requester": "1"}}

        error, _ = self.invoke(event("Object Created", "00C1"))
        self.assertIsNone(error)
        self.assertEqual(self.destination_bytes(key), scrub_with_cli(photo))

        self.s3.delete_object(Bucket=self.source, Key=key)
        error, _ = self.invoke(event("Object Deleted", "00C2"))
        self.assertIsNone(error)
        self.assertIsNone(self.destination_bytes(key))

    def batch_event(self, schema, tasks):
        event = {"invocationSchemaVersion": schema, "invocationId": "inv-" + schema,
                 "job": {"id": "job-1"}, "tasks": []}
        for task_id, key in tasks:
            task = {"taskId": task_id, "s3Key": urllib.parse.quote(key, safe="/"), "s3VersionId": None}
            if schema == "1.0":
                task["s3BucketArn"] = f"arn:aws:s3:::{self.source}"
            else:
                task["s3Bucket"] = self.source
            event["tasks"].append(task)
        if schema == "2.0":
            event["job"]["userArguments"] = {}
        return event

    def test_batch_operations_report_per_task(self):
        for schema in ("1.0", "2.0"):
            with self.subTest(schema=schema):
                key = f"batch-{schema}/backfill 1.jpg"
                photo = make_photo(4)
                self.upload(key, photo)
                fake = f"batch-{schema}/fake.jpg"
                self.upload(fake, b"GIF89a")
                missing = f"batch-{schema}/missing.jpg"

                error, reply = self.invoke(self.batch_event(schema, [("t1", key), ("t2", fake), ("t3", missing)]))

                self.assertIsNone(error)
                self.assertEqual(reply["invocationSchemaVersion"], schema)
                self.assertEqual(reply["invocationId"], "inv-" + schema)
                self.assertEqual(reply["treatMissingKeysAs"], "PermanentFailure")
                codes = {result["taskId"]: result["resultCode"] for result in reply["results"]}
                self.assertEqual(codes, {"t1": "Succeeded", "t2": "PermanentFailure", "t3": "PermanentFailure"})
                self.assertEqual(self.destination_bytes(key), scrub_with_cli(photo))
                self.assertIsNone(self.destination_bytes(fake))

    def test_direct_notification_fails_when_a_record_fails(self):
        key = "direct/ok.jpg"
        photo = make_photo(5)
        etag = self.upload(key, photo)
        event = {"Records": [s3_record(self.source, form_encode(key), etag, "00D1"),
                             s3_record(self.source, "direct/never+uploaded.jpg", "", "00D2")]}

        error, reply = self.invoke(event)

        self.assertEqual(error, "Unhandled")
        self.assertEqual(reply["errorType"], "ObjectsFailed")
        self.assertEqual(self.destination_bytes(key), scrub_with_cli(photo))
        self.assertIsNone(self.destination_bytes("direct/never uploaded.jpg"))

    def test_s3_test_event_is_acknowledged(self):
        error, _ = self.invoke({"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2026-12-04T00:00:00Z",
                                "Bucket": self.source, "RequestId": "r", "HostId": "h"})
        self.assertIsNone(error)


if __name__ == "__main__":
    sys.exit(run_tests(EnvelopeTest))
