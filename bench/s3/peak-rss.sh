#!/usr/bin/env bash
# Peak resident memory of pipeline::scrub_object for a large object. Builds a
# JPEG of about BIG_MB megabytes (random pixels at quality 95, 4:4:4, with EXIF
# and GPS added by exiftool) and uploads it with the client's streaming
# multipart writer. Then one scrub_object call runs in a process of its own
# under /usr/bin/time, which reports its peak RSS. Objects this large stream through
# jpeg::StreamScrubber into a multipart upload; the product target is 64 MB.
# The scrubbed copy and the source are deleted afterwards.
#
# Usage: bench/s3/with-rgw.sh bench/s3/peak-rss.sh
# Env:   BUILD_DIR [build]  BENCH_OUT [$BUILD_DIR/bench-results/s3]  BIG_MB [200]
#        AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, SOURCE_BUCKET, DEST_BUCKET
set -euo pipefail

if (($# != 0)); then
  echo "usage: $0   (settings come from the environment; see the header)" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
bench=$build_dir/bin/exifscrub_s3_transfer_bench
out=${BENCH_OUT:-$build_dir/bench-results/s3}
big_mb=${BIG_MB:-200}
for name in AWS_ENDPOINT_URL SOURCE_BUCKET DEST_BUCKET; do
  if [[ -z ${!name:-} ]]; then
    echo "peak-rss: $name is not set; run this through bench/s3/with-rgw.sh" >&2
    exit 1
  fi
done
if [[ ! -x $bench ]]; then
  echo "peak-rss: $bench is missing; build it with 'cmake --build $build_dir --target exifscrub_s3_transfer_bench'" >&2
  exit 1
fi

mkdir -p "$out"
big=$out/big-${big_mb}mb.jpg
if [[ ! -f $big ]]; then
  echo "writing $big" >&2
  # Random RGB pixels take about 2.4 bytes each at quality 95 without chroma
  # subsampling (measured with Pillow 9.4 on libjpeg-turbo 2.1.5).
  /usr/bin/python3 - "$big" "$big_mb" <<'PY'
import math, os, sys
from PIL import Image
path, megabytes = sys.argv[1], int(sys.argv[2])
pixels = megabytes * 1_000_000 / 2.40
width = 9216
height = max(8, math.ceil(pixels / width / 8) * 8)
image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
image.save(path, quality=95, subsampling=0)
PY
  exiftool -q -overwrite_original -Make=BenchCam -Model=Large -SerialNumber=123456 \
    -GPSLatitude=48.8584 -GPSLatitudeRef=N -GPSLongitude=2.2945 -GPSLongitudeRef=E \
    -Artist="Bench Owner" -Comment="bench comment" "$big"
fi
machine=$("$root/bench/s3/machine.sh")
size=$(stat -c %s "$big")
key=bench-rss/big.jpg

echo "uploading $size bytes with the multipart writer" >&2
upload_kib=$( { /usr/bin/time -f %M "$bench" upload "$big" "$SOURCE_BUCKET" "$key" >/dev/null; } 2>&1 | tail -1)
# Runs one subcommand of the bench program under /usr/bin/time and prints
# "<status> <peak RSS KiB> <the program's last line>"; a failure is a result
# to report here, not a reason to stop.
measure() {
  local output status=ok
  output=$( { /usr/bin/time -f 'time_peak_rss_kib=%M' "$bench" "$@"; } 2>&1) || status=failed
  echo "$output" >>"$out/peak-rss-raw.txt"
  echo "$status $(sed -n 's/.*time_peak_rss_kib=\([0-9]*\).*/\1/p' <<<"$output") $(grep -v time_peak_rss_kib <<<"$output" | grep -v '^Command exited' | tail -1)"
}

: >"$out/peak-rss-raw.txt"
echo "running scrub_object in its own process" >&2
read -r scrub_status scrub_kib scrub_line < <(measure scrub-object "$SOURCE_BUCKET" "$key" "$DEST_BUCKET" "$key" $((size + 1)))
aws --endpoint-url "$AWS_ENDPOINT_URL" s3 rm --only-show-errors "s3://$DEST_BUCKET/$key"
echo "running the stream scrubber and the multipart writer on two clients" >&2
read -r parts_status parts_kib parts_line < <(measure stream-parts "$SOURCE_BUCKET" "$key" "$DEST_BUCKET" "$key")
aws --endpoint-url "$AWS_ENDPOINT_URL" s3 rm --only-show-errors "s3://$SOURCE_BUCKET/$key"
aws --endpoint-url "$AWS_ENDPOINT_URL" s3 rm --only-show-errors "s3://$DEST_BUCKET/$key"

row() { # row <description> <status> <KiB>
  awk -v what="$1" -v status="$2" -v size="$size" -v kib="$3" \
    'BEGIN { printf "| %s | %s | %s | %.1f MiB | at most 64 MiB |\n", what, status, size, kib / 1024 }'
}
{
  echo "$machine"
  echo
  echo "| measurement | status | object bytes | peak RSS | target |"
  echo "|---|---|---|---|---|"
  awk -v size="$size" -v kib="$upload_kib" \
    'BEGIN { printf "| upload with the multipart writer (8 MiB parts) | ok | %s | %.1f MiB | n/a |\n", size, kib / 1024 }'
  row "pipeline::scrub_object (buffers 16 MiB, then streams + multipart)" "$scrub_status" "$scrub_kib"
  row "its parts on two clients: GET -> StreamScrubber -> ObjectWriter" "$parts_status" "$parts_kib"
  echo
  echo "scrub_object: ${scrub_line//$'\t'/ }"
  echo "parts: ${parts_line//$'\t'/ }"
} | tee "$out/peak-rss.md"
