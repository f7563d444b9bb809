#!/usr/bin/env bash
# demo.sh - show exifscrub end to end on this machine. It brings up the local stack (Ceph RGW,
# bucket notification, Lambda emulator, our bootstrap), uploads photos to bucket A and waits for
# the scrubbed copies in bucket B. Then it prints per photo what exiftool finds before and after,
# the sizes and whether B displays upright, and takes the stack down again (also on failure or
# Ctrl-C).
#
# Usage: scripts/demo.sh [PHOTOS_DIR]
#   PHOTOS_DIR  your own folder of .jpg/.jpeg files (searched recursively; the key in A is the
#               path below PHOTOS_DIR). Default: the project's samples from scripts/make-samples.sh.
# Env: as for scripts/local-stack.sh (STACK_DIR, BUILD_DIR, LAMBDA_PORT, RGW_* ports ...);
#      DEMO_WAIT_SECONDS [120] how long to wait for bucket B.
# Exits 1 when a photo is missing in B, keeps metadata there or is not upright.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
photos_dir=${1:-}
wait_seconds=${DEMO_WAIT_SECONDS:-120}
export STACK_DIR=${STACK_DIR:-${TMPDIR:-/tmp}/exifscrub-demo}
work=$(mktemp -d "${TMPDIR:-/tmp}/exifscrub-demo-files.XXXXXX")

cleanup() {
  local rc=$?
  echo "[demo] taking the stack down" >&2
  "$root/scripts/local-stack.sh" down >/dev/null 2>&1 || echo "[demo] 'local-stack.sh down' failed; run it by hand" >&2
  rm -rf "$work"
  exit "$rc"
}

if [[ -n $photos_dir && ! -d $photos_dir ]]; then
  echo "demo: $photos_dir is not a folder; pass a folder of .jpg/.jpeg files or nothing for the samples" >&2
  exit 2
fi
if [[ -z $photos_dir ]]; then
  photos_dir=$work/samples
  echo "[demo] generating sample photos" >&2
  "$root/scripts/make-samples.sh" "$photos_dir" >/dev/null
fi

mapfile -d '' keys < <(cd "$photos_dir" && find . -type f \( -iname '*.jpg' -o -iname '*.jpeg' \) -printf '%P\0' | sort -z)
if ((${#keys[@]} == 0)); then
  echo "demo: no .jpg or .jpeg files under $photos_dir" >&2
  exit 2
fi

trap cleanup EXIT
trap 'exit 130' INT TERM
echo "[demo] starting the local stack (log folder $STACK_DIR/log)" >&2
exports=$("$root/scripts/local-stack.sh" up)
eval "$exports"

echo "[demo] uploading ${#keys[@]} photos to s3://$SOURCE_BUCKET and waiting for s3://$DEST_BUCKET" >&2
/usr/bin/python3 - "$photos_dir" "$work" "$wait_seconds" "${keys[@]}" <<'PY'
import os, sys, time
import boto3
from botocore.config import Config

photos_dir, work, wait_seconds, keys = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                  config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}))
source, dest = os.environ["SOURCE_BUCKET"], os.environ["DEST_BUCKET"]
for key in keys:
    s3.upload_file(os.path.join(photos_dir, key), source, key)

deadline = time.monotonic() + wait_seconds
waiting = set(keys)
while waiting and time.monotonic() < deadline:
    for key in sorted(waiting):
        try:
            s3.head_object(Bucket=dest, Key=key)
            waiting.discard(key)
        except s3.exceptions.ClientError:
            pass
    time.sleep(0.5)
for bucket, folder in ((source, "a"), (dest, "b")):
    for key in keys:
        path = os.path.join(work, folder, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if bucket == source or key not in waiting:
            s3.download_file(bucket, key, path)
if waiting:
    print(f"[demo] {len(waiting)} photo(s) not in s3://{dest} after {wait_seconds:g} s",
          file=sys.stderr)
PY
# Let retries of rejected photos finish so their log lines are complete.
"$root/scripts/local-stack.sh" wait-idle 30 || true

echo
/usr/bin/python3 "$root/scripts/demo_table.py" "$work/a" "$work/b" "$STACK_DIR/log/lambda.log" "${keys[@]}"
