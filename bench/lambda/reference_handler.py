"""Strip photo metadata the way common public Lambda examples do: Pillow re-save.

The reference for the side-by-side benchmark. Like the usual boto3 + Pillow
handlers, it decodes the JPEG, applies the EXIF orientation to the pixels and
re-encodes with Pillow's defaults (quality 75), which drops EXIF, XMP and IPTC
but is lossy. It does not verify its output and does not reject malformed
input beyond what Pillow raises.

Two departures from the typical example so both sides do the same work on
Ceph RGW: keys are taken as they are when eventSource is "ceph:s3" (RGW sends
them unencoded), and ObjectRemoved events delete the copy in the destination.
"""

import io
import os
import urllib.parse

import boto3
from PIL import Image, ImageOps

s3 = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
DEST_BUCKET = os.environ["DEST_BUCKET"]


def object_key(record):
    key = record["s3"]["object"]["key"]
    if record.get("eventSource") == "ceph:s3":
        return key
    return urllib.parse.unquote_plus(key)


def lambda_handler(event, context):
    for record in event.get("Records", []):
        bucket = record["s3"]["bucket"]["name"]
        key = object_key(record)
        if record["eventName"].startswith("ObjectRemoved"):
            s3.delete_object(Bucket=DEST_BUCKET, Key=key)
            continue
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        image = ImageOps.exif_transpose(Image.open(io.BytesIO(body)))
        out = io.BytesIO()
        image.save(out, format="JPEG")
        s3.put_object(Bucket=DEST_BUCKET, Key=key, Body=out.getvalue(),
                      ContentType="image/jpeg")
        print(f"scrubbed s3://{bucket}/{key}: {len(body)} -> {out.tell()} bytes", flush=True)
    return {"status": "ok"}
