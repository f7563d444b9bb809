#!/usr/bin/env python3
"""The CLI's s3:// mode against the local Ceph RGW.

Usage: cli_s3_test.py EXIFSCRUB_BINARY   (with the environment of scripts/local-rgw.sh)

Checks that a folder goes to a prefix and a prefix to a prefix with the same
relative keys, that every object written is byte-identical to what the
local-file path writes, that rejections and S3 errors exit non-zero and write
nothing, and prints a closing 'N passed, N failed' line.
"""
import os
import subprocess
import sys
import tempfile
import unittest
import uuid

import boto3

BINARY = None


def make_photo(path, orientation):
    # cjpeg reads PPM: a 64x48 gradient, then exiftool adds what a camera writes.
    ppm = bytearray(b"P6 64 48 255\n")
    for y in range(48):
        for x in range(64):
            ppm += bytes(((x * 4) % 256, (y * 5) % 256, ((x ^ y) * 3) % 256))
    subprocess.run(["cjpeg", "-quality", "90", "-outfile", path], input=bytes(ppm), check=True)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-GPSLatitude=48.8584", "-GPSLatitudeRef=N",
                    "-Artist=Jane Example", "-SerialNumber=CAM0042", f"-Orientation#={orientation}", path],
                   check=True)


class CliS3Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
        cls.source = os.environ["SOURCE_BUCKET"]
        cls.destination = os.environ["DEST_BUCKET"]
        cls.work = tempfile.TemporaryDirectory()
        cls.folder = os.path.join(cls.work.name, "in")
        os.makedirs(os.path.join(cls.folder, "deep", "er"))
        make_photo(os.path.join(cls.folder, "IMG 0001 (1).JPG"), 6)
        make_photo(os.path.join(cls.folder, "deep", "er", "a+b%20c.jpeg"), 1)
        with open(os.path.join(cls.folder, "notes.txt"), "w") as notes:
            notes.write("not a photo")

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def run_cli(self, *args, env=None):
        return subprocess.run([BINARY, "strip", *args], capture_output=True, text=True, env=env)

    def local_strip(self, path):
        out = os.path.join(self.work.name, "local-" + uuid.uuid4().hex + ".jpg")
        result = self.run_cli(path, "-o", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(out, "rb") as f:
            return f.read()

    def get(self, bucket, key):
        return self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()

    def key_exists(self, bucket, key):
        try:
            self.s3.head_object(Bucket=bucket, Key=key)
            return True
        except self.s3.exceptions.ClientError:
            return False

    def test_folder_to_prefix_to_prefix_matches_local_path(self):
        run = uuid.uuid4().hex
        up = self.run_cli(self.folder, "-o", f"s3://{self.source}/{run}/")
        self.assertEqual(up.returncode, 0, up.stderr)
        self.assertIn("2 objects: 2 scrubbed, 0 rejected, 0 failed, 1 skipped", up.stderr)

        down = self.run_cli(f"s3://{self.source}/{run}/", "-o", f"s3://{self.destination}/{run}-out/", "--jobs", "2")
        self.assertEqual(down.returncode, 0, down.stderr)
        for relative in ["IMG 0001 (1).JPG", "deep/er/a+b%20c.jpeg"]:
            expected = self.local_strip(os.path.join(self.folder, relative))
            self.assertEqual(self.get(self.source, f"{run}/{relative}"), expected, relative)
            self.assertEqual(self.get(self.destination, f"{run}-out/{relative}"), expected, relative)
            head = self.s3.head_object(Bucket=self.destination, Key=f"{run}-out/{relative}")
            self.assertEqual(head["ContentType"], "image/jpeg")

    def test_non_jpeg_under_jpg_key_is_rejected_and_not_written(self):
        run = uuid.uuid4().hex
        self.s3.put_object(Bucket=self.source, Key=f"{run}/fake.jpg", Body=b"GIF89a not a jpeg")
        result = self.run_cli(f"s3://{self.source}/{run}/fake.jpg", "-o", f"s3://{self.destination}/{run}/fake.jpg")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("does not start with the JPEG SOI marker FF D8 FF at offset 0", result.stderr)
        self.assertIn("rejected as not_jpeg: 1", result.stderr)
        self.assertFalse(self.key_exists(self.destination, f"{run}/fake.jpg"))

    def test_wrong_secret_fails_and_writes_nothing(self):
        run = uuid.uuid4().hex
        photo = os.path.join(self.folder, "IMG 0001 (1).JPG")
        env = dict(os.environ, AWS_SECRET_ACCESS_KEY="wrong-secret-0000000000000000000000000000")
        result = self.run_cli(photo, "-o", f"s3://{self.destination}/{run}/x.jpg", env=env)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("SignatureDoesNotMatch", result.stderr)
        self.assertIn("check AWS_SECRET_ACCESS_KEY", result.stderr)
        self.assertNotIn("wrong-secret", result.stderr)
        self.assertFalse(self.key_exists(self.destination, f"{run}/x.jpg"))

    def test_missing_object_is_an_io_error(self):
        result = self.run_cli(f"s3://{self.source}/{uuid.uuid4().hex}/none.jpg", "-o", os.path.join(self.work.name, "none.jpg"))
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("NoSuchKey", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.work.name, "none.jpg")))

    def test_invalid_location_is_a_usage_error(self):
        result = self.run_cli("s3:///key.jpg", "-o", "out.jpg")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("invalid S3 location", result.stderr)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    outcome = unittest.main(exit=False, verbosity=2).result
    failed = len(outcome.failures) + len(outcome.errors)
    print(f"{outcome.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
