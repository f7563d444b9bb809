#!/usr/bin/env bash
# S3 transfer overhead of the scrub: OBJECTS copies of a 4 MB camera-like
# photo go from SOURCE_BUCKET to DEST_BUCKET three ways, side by side in each
# round, at 1 and at 8 concurrent transfers:
#   scrub  GET + scrub + PUT through pipeline::scrub_object, one s3::Client per thread;
#   plain  GET + PUT of the same objects with the same client, no scrub (the floor);
#   aws    `aws s3 cp --recursive` down to a local folder and back up, with
#          max_concurrent_requests set to the concurrency (Python start-up included).
# The first WARMUP rounds are discarded; the table shows the median of the
# remaining ROUNDS. Nothing here asserts a timing.
#
# Usage: bench/s3/with-rgw.sh bench/s3/transfer.sh
#        (or source an env file from scripts/local-rgw.sh up --env-file F and run it directly)
# Env:   BUILD_DIR [build]  BENCH_OUT [$BUILD_DIR/bench-results/s3]  OBJECTS [16]
#        ROUNDS [5]  WARMUP [1]  CONCURRENCY ["1 8"]
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
objects=${OBJECTS:-16}
rounds=${ROUNDS:-5}
warmup=${WARMUP:-1}
concurrency=${CONCURRENCY:-1 8}
for name in AWS_ENDPOINT_URL SOURCE_BUCKET DEST_BUCKET; do
  if [[ -z ${!name:-} ]]; then
    echo "transfer: $name is not set; run this through bench/s3/with-rgw.sh" >&2
    exit 1
  fi
done
if [[ ! -x $bench ]]; then
  echo "transfer: $bench is missing; build it with 'cmake --build $build_dir --target exifscrub_s3_transfer_bench'" >&2
  exit 1
fi
if ! command -v aws >/dev/null; then
  echo "transfer: the aws CLI is not installed; install it with 'pip install awscli'" >&2
  exit 1
fi

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
photo=$out/samples/camera-4000x3000.jpg
[[ -f $photo ]] || "$root/scripts/make-samples.sh" "$out/samples" >&2
prefix=bench-transfer/
aws_s3() { aws --endpoint-url "$AWS_ENDPOINT_URL" s3 "$@" --only-show-errors; }

echo "uploading $objects copies of $(basename "$photo") ($(stat -c %s "$photo") bytes)" >&2
for ((i = 0; i < objects; i++)); do
  "$bench" upload "$photo" "$SOURCE_BUCKET" "$(printf '%s%04d.jpg' "$prefix" "$i")" >/dev/null
done

# Runs one round of the aws CLI, the objects down and then up again. Prints
# the same columns as the C++ program but the latency, which the CLI lacks.
run_aws() {
  local threads=$1 start end wall
  printf '[default]\ns3 =\n  max_concurrent_requests = %s\n' "$threads" >"$work/aws-config"
  rm -rf "$work/down"
  start=$(date +%s%N)
  AWS_CONFIG_FILE=$work/aws-config aws_s3 cp --recursive "s3://$SOURCE_BUCKET/$prefix" "$work/down/"
  AWS_CONFIG_FILE=$work/aws-config aws_s3 cp --recursive "$work/down/" "s3://$DEST_BUCKET/aws/$prefix"
  end=$(date +%s%N)
  wall=$(((end - start) / 1000))
  /usr/bin/python3 -c "import sys; w=int(sys.argv[1])/1000; n=int(sys.argv[3]); \
print(f'aws\t{sys.argv[2]}\t{n}\t{w:.1f}\t{w/n:.2f}\t{n*1000/w:.2f}\t')" "$wall" "$threads" "$objects"
}

machine=$("$root/bench/s3/machine.sh")
raw=$out/transfer-raw.tsv
: >"$raw"
for threads in $concurrency; do
  for ((round = 0; round < warmup + rounds; round++)); do
    # Alternates which path goes first, because each run overwrites the
    # previous round's copies and the RGW may still be reclaiming their old
    # data when the next run starts.
    order="plain scrub aws"
    ((round % 2 == 0)) || order="scrub plain aws"
    for mode in $order; do
      if [[ $mode == aws ]]; then line=$(run_aws "$threads"); else
        line=$("$bench" transfer "$mode" "$SOURCE_BUCKET" "$DEST_BUCKET" "$prefix" "$objects" "$threads")
      fi
      ((round < warmup)) || printf '%s\t%s\n' "$round" "$line" >>"$raw"
    done
    echo "concurrency $threads round $round done" >&2
  done
done

aws_s3 rm --recursive "s3://$SOURCE_BUCKET/$prefix"
for mode in plain scrub aws; do aws_s3 rm --recursive "s3://$DEST_BUCKET/$mode/$prefix"; done

{
  echo "$machine"
  /usr/bin/python3 - "$raw" "$objects" "$rounds" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
table = {}
by_round = {}
for round_index, mode, threads, _, _, per_object, per_second, latency in rows:
    entry = table.setdefault((int(threads), mode), {"per_object": [], "per_second": [], "latency": []})
    by_round[(int(threads), round_index, mode)] = float(per_object)
    entry["per_object"].append(float(per_object))
    entry["per_second"].append(float(per_second))
    if latency:
        entry["latency"].append(float(latency))
med = lambda values: statistics.median(values) if values else float("nan")
# The paired ratio compares each path with the plain run of the same round,
# which cancels most of the drift in machine load between rounds.
def paired_ratio(threads, mode):
    rounds = {key[1] for key in by_round if key[0] == threads}
    return med([by_round[(threads, r, mode)] / by_round[(threads, r, "plain")] for r in rounds])
print(f"\n{sys.argv[2]} objects of 4 MB per round, median of {sys.argv[3]} rounds\n")
print("| concurrency | path | wall ms per object | objects/s | median latency ms | medians / plain | per-round ratio to plain, median |")
print("|---|---|---|---|---|---|---|")
for threads in sorted({key[0] for key in table}):
    floor = med(table[(threads, "plain")]["per_object"])
    for mode in ("plain", "scrub", "aws"):
        entry = table[(threads, mode)]
        per_object = med(entry["per_object"])
        latency = f"{med(entry['latency']):.1f}" if entry["latency"] else "n/a"
        print(f"| {threads} | {mode} | {per_object:.1f} | {med(entry['per_second']):.1f} | {latency} "
              f"| {per_object / floor:.3f} | {paired_ratio(threads, mode):.3f} |")
PY
} | tee "$out/transfer.md"
