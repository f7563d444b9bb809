#!/usr/bin/python3
"""Attach the Terraform-rendered policies to users of the local Ceph RGW and
exercise them with real S3 requests: what the policy allows must succeed,
everything else must fail with 403 AccessDenied.

What this proves: RGW (Ceph 16) accepts the rendered documents as they are,
user policies through its IAM API and bucket policies through S3. Its
policy engine then grants exactly the specified S3 access to users A and B
and to the function's S3 statements. RGW applies a user's policy to buckets
owned by another user of the same tenant, so the buckets are created by the
admin user from the environment and users A, B and the function identity
own nothing.

What it does not prove: the TLS deny (RGW 16 does not set
aws:SecureTransport on plain HTTP, so the statement is accepted but never
matches here; access_matrix.js covers it), the bucket policy's deny for the
function role (RGW has no such role; the function runs here as a user
holding only the S3 statements, because RGW rejects the logs: and sqs:
actions of the full document).

Usage: rgw_user_policy_test.py WORK_DIR
Environment: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY of
the RGW admin user and CEPH_CONF, as written by scripts/local-rgw.sh.
"""

import json
import os
import secrets
import subprocess
import sys

import boto3
import botocore.exceptions
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT_CONFIG = Config(
    connect_timeout=5,
    read_timeout=30,
    retries={"max_attempts": 1},
    s3={"addressing_style": "path"},
)
OK = "ok"
DENIED = "403 AccessDenied"
NOT_FOUND = "404 NoSuchKey"


def run(command):
    """Run a command with a bounded time; raise with its stderr on failure."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} {command[1]} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")
    return result.stdout


def create_rgw_user(uid):
    """Create an RGW user with a generated key pair; return (access key, secret key)."""
    info = json.loads(run(["radosgw-admin", "user", "create", f"--uid={uid}", f"--display-name={uid}"]))
    key = info["keys"][0]
    return key["access_key"], key["secret_key"]


def s3_client(endpoint, keys):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=keys[0],
        aws_secret_access_key=keys[1],
        config=CLIENT_CONFIG,
    )


def outcome(call):
    """Perform one S3 call and return OK or '<HTTP status> <error code>'."""
    try:
        call()
        return OK
    except botocore.exceptions.ClientError as error:
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        return f"{status} {error.response['Error']['Code']}"


def requests_for(client, a, b):
    """Return a map from request description to the S3 call that performs it, on A and B."""
    return {
        "ListBucket A": lambda: client.list_objects_v2(Bucket=a),
        "GetBucketLocation A": lambda: client.get_bucket_location(Bucket=a),
        "GetObject A/seed.jpg": lambda: client.get_object(Bucket=a, Key="seed.jpg")["Body"].read(),
        "GetObject A/missing.jpg": lambda: client.get_object(Bucket=a, Key="missing.jpg"),
        "PutObject A/new.jpg": lambda: client.put_object(Bucket=a, Key="new.jpg", Body=b"\xff\xd8\xff\xd9"),
        "DeleteObject A/victim.jpg": lambda: client.delete_object(Bucket=a, Key="victim.jpg"),
        "ListBucket B": lambda: client.list_objects_v2(Bucket=b),
        "GetBucketLocation B": lambda: client.get_bucket_location(Bucket=b),
        "GetObject B/seed.jpg": lambda: client.get_object(Bucket=b, Key="seed.jpg")["Body"].read(),
        "PutObject B/new.jpg": lambda: client.put_object(Bucket=b, Key="new.jpg", Body=b"\xff\xd8\xff\xd9"),
        "DeleteObject B/victim.jpg": lambda: client.delete_object(Bucket=b, Key="victim.jpg"),
    }


# Expected outcome per identity; every request not listed must be denied.
# A missing key is 404 only for identities with s3:ListBucket on the bucket.
EXPECTED = {
    "user A": {
        "ListBucket A": OK,
        "GetBucketLocation A": OK,
        "GetObject A/seed.jpg": OK,
        "GetObject A/missing.jpg": NOT_FOUND,
        "PutObject A/new.jpg": OK,
        "DeleteObject A/victim.jpg": OK,
    },
    "user B": {
        "ListBucket B": OK,
        "GetObject B/seed.jpg": OK,
    },
    "function": {
        "ListBucket A": OK,
        "GetObject A/seed.jpg": OK,
        "GetObject A/missing.jpg": NOT_FOUND,
        "GetObject B/seed.jpg": OK,
        "PutObject B/new.jpg": OK,
        "DeleteObject B/victim.jpg": OK,
    },
}


def s3_statements_only(policy_json):
    document = json.loads(policy_json)
    document["Statement"] = [
        s for s in document["Statement"] if all(action.startswith("s3:") for action in s["Action"])
    ]
    return json.dumps(document)


def seed(admin, a, b):
    """Put the objects the requests read or delete, as the bucket owner."""
    for bucket in (a, b):
        for key in ("seed.jpg", "victim.jpg"):
            admin.put_object(Bucket=bucket, Key=key, Body=b"\xff\xd8\xff\xd9")


def check_identity(name, client, a, b):
    """Run every request as one identity; return the number of mismatches."""
    mismatches = 0
    for description, call in requests_for(client, a, b).items():
        expected = EXPECTED[name].get(description, DENIED)
        actual = outcome(call)
        ok = actual == expected
        mismatches += 0 if ok else 1
        suffix = "" if ok else f", expected {expected}"
        print(f"{'ok  ' if ok else 'FAIL'} {name:<8} {description:<26} {actual}{suffix}")
    return mismatches


def empty_and_delete(admin, bucket):
    try:
        listing = admin.list_objects_v2(Bucket=bucket)
    except botocore.exceptions.ClientError:
        return
    for item in listing.get("Contents", []):
        admin.delete_object(Bucket=bucket, Key=item["Key"])
    admin.delete_bucket(Bucket=bucket)


def main(argv):
    if len(argv) != 2:
        print("usage: rgw_user_policy_test.py WORK_DIR", file=sys.stderr)
        return 2
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint or not os.environ.get("CEPH_CONF"):
        print("AWS_ENDPOINT_URL or CEPH_CONF is not set; run through tests/support/with-env.sh with the env file of scripts/local-rgw.sh up", file=sys.stderr)
        return 2

    # Unique names, so parallel runs against the shared RGW do not collide.
    tag = secrets.token_hex(4)
    a, b = f"tf-src-{tag}", f"tf-dst-{tag}"
    uids = {"user A": f"tf-user-a-{tag}", "user B": f"tf-user-b-{tag}", "function": f"tf-function-{tag}"}

    rendered = json.loads(run([f"{HERE}/render_policies.sh", argv[1], a, b]))
    policies = {
        "user A": rendered["user_a_policy_json"],
        "user B": rendered["user_b_policy_json"],
        "function": s3_statements_only(rendered["function_policy_json"]),
    }

    admin = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", config=CLIENT_CONFIG)
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1", config=CLIENT_CONFIG)
    created_users = []
    try:
        for bucket in (a, b):
            admin.create_bucket(Bucket=bucket)
        admin.put_bucket_policy(Bucket=a, Policy=rendered["source_bucket_policy_json"])
        admin.put_bucket_policy(Bucket=b, Policy=rendered["destination_bucket_policy_json"])
        seed(admin, a, b)

        clients = {}
        for name, uid in uids.items():
            keys = create_rgw_user(uid)
            created_users.append(uid)
            iam.put_user_policy(UserName=uid, PolicyName="exifscrub", PolicyDocument=policies[name])
            clients[name] = s3_client(endpoint, keys)

        mismatches = 0
        for name, client in clients.items():
            mismatches += check_identity(name, client, a, b)
            seed(admin, a, b)
        total = len(clients) * len(requests_for(admin, a, b))
        print(f"{total - mismatches} of {total} requests as specified")
        return 0 if mismatches == 0 else 1
    finally:
        for bucket in (a, b):
            empty_and_delete(admin, bucket)
        for uid in created_users:
            run(["radosgw-admin", "user", "rm", f"--uid={uid}", "--purge-data"])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
