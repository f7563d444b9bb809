#!/usr/bin/python3
"""End-to-end: uploads to Ceph RGW reach our bootstrap through the emulator.

Each case uploads to the source bucket with boto3, lets RGW's bucket
notification invoke the bootstrap, and checks the destination bucket and the
bootstrap's JSON log line. Scrubbed objects must equal, byte for byte, what
the CLI makes of the same input, and exiftool must find no metadata left.

Needs the environment of CTest's rgw fixture (AWS_ENDPOINT_URL and keys),
STACK_RGW_ENV naming its env file, and EXIFSCRUB_BUILD_DIR with bin/exifscrub.
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as support  # noqa: E402

LAMBDA_PORT = int(os.environ.get("E2E_LAMBDA_PORT", "9011"))
AWKWARD_KEYS = [
    "with space.jpg",
    "plus+sign.jpg",
    "percent%20literal.jpeg",
    "percent%zz bad escape.jpg",
    "ünïcödé 写真.jpg",
    "UPPER CASE.JPG",
    "deep/a/b/c/d/e/f/g/photo.Jpeg",
    "mixed (1) +%2B~!&=.JPEG",
]


class PipelineTest(unittest.TestCase):
    stack = None

    @classmethod
    def setUpClass(cls):
        cls.stack = support.LocalStack("pipeline", LAMBDA_PORT, concurrency=4)
        cls.stack.up()

    @classmethod
    def tearDownClass(cls):
        if cls.stack is not None:
            cls.stack.down()

    def put(self, key, body):
        self.stack.s3.put_object(Bucket=self.stack.source_bucket, Key=key, Body=body)

    def assert_rejected(self, key, error_kind, message):
        """Checks that key never reached B and that every attempt logged the rejection."""
        self.stack.wait_idle(60)
        self.assertTrue(self.stack.get_dest(key) is None, f"{key!r} must not reach the destination")
        lines = self.stack.object_log_lines(key)
        # A rejection is a function error, so the async invocation runs three times in all.
        self.assertEqual(len(lines), 3, f"log lines for {key!r} in {self.stack.lambda_log}")
        for line in lines:
            self.assertEqual(line["outcome"], "rejected")
            self.assertEqual(line["error_kind"], error_kind)
            self.assertEqual(line["level"], "warn")
            self.assertEqual(line["message"], message)
            self.assertEqual(line["bytes_out"], 0)

    def test_awkward_keys_keep_their_names(self):
        photos = {key: support.make_photo(seed) for seed, key in enumerate(AWKWARD_KEYS)}
        for key, body in photos.items():
            self.put(key, body)
        self.stack.wait_idle(60)
        with tempfile.TemporaryDirectory() as tmp:
            paths = {}
            for index, (key, body) in enumerate(photos.items()):
                with self.subTest(key=key):
                    scrubbed = self.stack.wait_dest(key, present=True)
                    self.assertIsNotNone(scrubbed, f"{key!r} did not arrive in the destination")
                    self.assertTrue(scrubbed == support.scrub_with_cli(body),
                                    f"{key!r} differs from the CLI's output for the same input")
                    paths[key] = os.path.join(tmp, f"{index}.jpg")
                    with open(paths[key], "wb") as f:
                        f.write(scrubbed)
            leftovers = support.leftover_tags(list(paths.values()))
            for key, path in paths.items():
                with self.subTest(key=key):
                    self.assertEqual(leftovers[path], [])
        for key in photos:
            with self.subTest(key=key):
                self.assertEqual(self.stack.object_log_lines(key)[-1]["outcome"], "scrubbed")

    def test_orientation_applied_to_pixels(self):
        key = "rotate/portrait.jpg"
        self.put(key, support.make_photo(100, width=240, height=160, orientation=6))
        scrubbed = self.stack.wait_dest(key, present=True)
        self.assertIsNotNone(scrubbed)
        self.assertEqual(support.decoded_size(scrubbed), (160, 240))

    def test_non_jpeg_is_rejected(self):
        key = "not a photo.jpg"
        self.put(key, b"This is a text file that only claims to be a JPEG.\n" * 20)
        self.assert_rejected(key, "not_jpeg",
                             f"s3://{self.stack.source_bucket}/{key}: object does not start with "
                             "the JPEG SOI marker FF D8 FF at offset 0; only JPEG images can be "
                             "scrubbed")

    def test_truncated_jpeg_is_rejected(self):
        key = "truncated.jpg"
        photo = support.make_photo(200)
        cut = len(photo) // 2
        start_of_scan = photo.index(b"\xff\xda")
        self.assertLess(start_of_scan, cut, "the cut must fall inside the scan data")
        self.put(key, photo[:cut])
        self.assert_rejected(key, "truncated",
                             f"s3://{self.stack.source_bucket}/{key}: rejected: SOS segment at "
                             f"offset {start_of_scan}: input ends at offset {cut} inside the scan "
                             "data, before the EOI marker; the file is incomplete; upload it "
                             "again in full")

    def test_deletion_propagates(self):
        key = "to be deleted.JPG"
        self.put(key, support.make_photo(300))
        self.assertIsNotNone(self.stack.wait_dest(key, present=True))
        self.stack.s3.delete_object(Bucket=self.stack.source_bucket, Key=key)
        left = self.stack.wait_dest(key, present=False)
        self.assertTrue(left is None, f"{key!r} is still in the destination after its deletion")
        self.assertEqual(self.stack.object_log_lines(key)[-1]["outcome"], "deleted")

    def test_quick_overwrite_keeps_newer(self):
        key = "overwritten twice.jpg"
        older = support.make_photo(400)
        newer = support.make_photo(401, width=200, height=120, orientation=1)
        self.put(key, older)
        self.put(key, newer)
        self.stack.wait_idle(60)
        self.assertTrue(self.stack.get_dest(key) == support.scrub_with_cli(newer),
                        f"{key!r} in the destination is not the scrubbed newer upload")


if __name__ == "__main__":
    sys.exit(support.run_tests(PipelineTest))
