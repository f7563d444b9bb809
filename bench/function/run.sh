#!/usr/bin/env bash
# The function's warm overhead, peak memory and package size:
#   1. exifscrub_function_overhead_bench times, in process, the handler path
#      for one 4 MB photo (decode, GET, scrub, verify, conditional PUT, logs)
#      for a new key and for an overwrite, beside a plain GET + PUT of the
#      same object. It runs on the upright photo and on the one tagged
#      orientation 6 (lossless rotation);
#   2. the real bootstrap under tools/lambda-emulator: the median round trip
#      of warm synchronous invocations, the function's own duration_ms log
#      field, and the bootstrap's peak RSS (VmHWM) after them; the same round
#      trip and RSS for the Python reference handler in bench/lambda;
#   3. the size of the deployment zip from scripts/package-lambda.sh;
#   4. when Google Benchmark was found at build time,
#      exifscrub_runtime_api_bench: the Runtime API exchange of one warm
#      invocation (GET /next and POST of the response) on loopback.
# Nothing here asserts a timing; the tables also go to BENCH_OUT.
#
# Usage: bench/s3/with-rgw.sh bench/function/run.sh
# Env:   BUILD_DIR [build]  BENCH_OUT [$BUILD_DIR/bench-results/function]  ROUNDS [20]
#        AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, SOURCE_BUCKET, DEST_BUCKET
set -euo pipefail

if (($# != 0)); then
  echo "usage: $0   (settings come from the environment; see the header)" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$(cd "${BUILD_DIR:-$root/build}" && pwd)
bench=$build_dir/bin/exifscrub_function_overhead_bench
transfer_bench=$build_dir/bin/exifscrub_s3_transfer_bench
exifscrub=$build_dir/bin/exifscrub
out=${BENCH_OUT:-$build_dir/bench-results/function}
rounds=${ROUNDS:-20}
for name in AWS_ENDPOINT_URL SOURCE_BUCKET DEST_BUCKET; do
  if [[ -z ${!name:-} ]]; then
    echo "function-bench: $name is not set; run this through bench/s3/with-rgw.sh" >&2
    exit 1
  fi
done
for tool in "$bench" "$transfer_bench" "$exifscrub"; do
  if [[ ! -x $tool ]]; then
    echo "function-bench: $tool is missing; build it with 'cmake --build $build_dir'" >&2
    exit 1
  fi
done

mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
samples=$out/samples
[[ -f $samples/camera-4000x3000.jpg ]] || "$root/scripts/make-samples.sh" "$samples" >&2
aws_s3() { aws --endpoint-url "$AWS_ENDPOINT_URL" s3 "$@" --only-show-errors; }

upright=bench-function/camera-4000x3000.jpg
rotated=bench-function/camera-4000x3000-orientation-6.jpg
"$transfer_bench" upload "$samples/camera-4000x3000.jpg" "$SOURCE_BUCKET" "$upright" >/dev/null
"$transfer_bench" upload "$samples/camera-4000x3000-orientation-6.jpg" "$SOURCE_BUCKET" "$rotated" >/dev/null

machine=$("$root/bench/s3/machine.sh")
echo "in-process handler path, $rounds rounds per photo" >&2
"$bench" "$SOURCE_BUCKET" "$upright" "$DEST_BUCKET" "$rounds" >"$work/upright.tsv"
"$bench" "$SOURCE_BUCKET" "$rotated" "$DEST_BUCKET" "$rounds" >"$work/rotated.tsv"
field() { awk -F'\t' -v name="$2" '$1 == name { print $2 }' "$1"; }

# Starts the emulator with no bootstrap of its own; sets emulator_pid and
# emulator_port.
start_emulator() {
  local log=$1 attempt
  local port_file=$log.port
  /usr/bin/python3 "$root/tools/lambda-emulator/emulator.py" --port 0 --port-file "$port_file" \
    --timeout 60 --log "$log" >>"$log" 2>&1 &
  emulator_pid=$!
  pids+=("$emulator_pid")
  for ((attempt = 0; attempt < 100; attempt++)); do
    [[ -s $port_file ]] && break
    sleep 0.1
  done
  [[ -s $port_file ]] || { echo "function-bench: the emulator did not start; see $log" >&2; exit 1; }
  emulator_port=$(cat "$port_file")
}

# Runs warm invocations of one photo (a file in samples and its key) against
# a bootstrap command under a fresh emulator, then stops both. Sets
# round_trip_ms and peak_kib.
measure_bootstrap() {
  local name=$1 photo=$samples/$2 key=$3 pid etag size
  shift 3
  start_emulator "$work/$name-emulator.log"
  AWS_LAMBDA_RUNTIME_API=127.0.0.1:$emulator_port "$@" >"$out/$name-stdout.log" 2>"$work/$name-stderr.log" &
  pid=$!
  pids+=("$pid")
  size=$(stat -c %s "$photo")
  etag=$(md5sum "$photo" | cut -d' ' -f1)
  round_trip_ms=$(/usr/bin/python3 "$root/bench/function/invoke_warm.py" --port "$emulator_port" \
    --bucket "$SOURCE_BUCKET" --key "$key" --size "$size" --etag "$etag" --rounds "$rounds" \
    --delete-first "$DEST_BUCKET")
  peak_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
  kill "$pid" "$emulator_pid"
  wait "$pid" "$emulator_pid" 2>/dev/null || true
  pids=()
}

echo "warm invocations through the emulator" >&2
measure_bootstrap native camera-4000x3000.jpg "$upright" "$exifscrub"
native_ms=$round_trip_ms native_kib=$peak_kib
measure_bootstrap native-rotated camera-4000x3000-orientation-6.jpg "$rotated" "$exifscrub"
rotated_ms=$round_trip_ms rotated_kib=$peak_kib
measure_bootstrap python camera-4000x3000.jpg "$upright" /usr/bin/python3 "$root/bench/lambda/bootstrap.py"
python_ms=$round_trip_ms python_kib=$peak_kib
# The function logs one JSON line per object; duration_ms is whole milliseconds.
duration_ms=$(/usr/bin/python3 - "$out/native-stdout.log" "$rounds" <<'PY'
import json, statistics, sys
values = []
for line in open(sys.argv[1]):
    try:
        entry = json.loads(line)
    except ValueError:
        continue
    if isinstance(entry, dict) and "duration_ms" in entry:
        values.append(entry["duration_ms"])
print(statistics.median(values[-int(sys.argv[2]):]) if values else "n/a")
PY
)

runtime_api_bench=$build_dir/bin/exifscrub_runtime_api_bench
runtime_api_row="| not built (Google Benchmark missing) | | |"
if [[ -x $runtime_api_bench ]]; then
  echo "Runtime API exchange" >&2
  "$runtime_api_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_format=json >"$work/runtime-api.json" 2>/dev/null
  runtime_api_row=$(/usr/bin/python3 - "$work/runtime-api.json" <<'PY'
import json, sys
rows = [b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"]
print("\n".join(f"| {b['run_name']} | {b['real_time']:.1f} | {b['cpu_time']:.1f} |" for b in rows))
PY
)
fi

echo "packaging" >&2
BUILD_DIR=$build_dir DIST_DIR=$work/dist "$root/scripts/package-lambda.sh" >"$work/package.log" 2>&1 || {
  echo "function-bench: scripts/package-lambda.sh failed:" >&2
  tail -5 "$work/package.log" >&2
  exit 1
}
zip=$(ls "$work"/dist/*.zip)
zip_bytes=$(stat -c %s "$zip")
unpacked_bytes=$(unzip -l "$zip" | tail -1 | awk '{ print $1 }')

aws_s3 rm --recursive "s3://$SOURCE_BUCKET/bench-function/"
aws_s3 rm --recursive "s3://$DEST_BUCKET/bench-function/"
aws_s3 rm --recursive "s3://$DEST_BUCKET/plain/bench-function/"

plain=$(field "$work/upright.tsv" plain_get_put_ms)
{
  echo "$machine"
  echo
  echo "4 MB photo ($(stat -c %s "$samples/camera-4000x3000.jpg") bytes), median of $rounds warm rounds after 3 untimed ones"
  echo
  echo "| measurement | upright photo ms | orientation 6 ms |"
  echo "|---|---|---|"
  for name in plain_get_put_ms head_ms handler_ms handler_overwrite_ms local_parts_ms handler_minus_plain_ms; do
    echo "| $name | $(field "$work/upright.tsv" "$name") | $(field "$work/rotated.tsv" "$name") |"
  done
  echo
  echo "| bootstrap under the emulator | photo | invocation round trip ms | round trip - plain GET+PUT ms | peak RSS |"
  echo "|---|---|---|---|---|"
  bootstrap_row() { # bootstrap_row <name> <photo> <ms> <KiB>
    awk -v name="$1" -v photo="$2" -v ms="$3" -v plain="$plain" -v kib="$4" \
      'BEGIN { printf "| %s | %s | %.2f | %.2f | %.1f MiB |\n", name, photo, ms, ms - plain, kib / 1024 }'
  }
  bootstrap_row "exifscrub (median duration_ms logged: $duration_ms)" upright "$native_ms" "$native_kib"
  bootstrap_row "exifscrub" "orientation 6" "$rotated_ms" "$rotated_kib"
  bootstrap_row "Python reference (bench/lambda)" upright "$python_ms" "$python_kib"
  echo
  echo "| Runtime API exchange (GET /next + POST response), median of 5 | wall us | CPU us |"
  echo "|---|---|---|"
  echo "$runtime_api_row"
  echo
  awk -v zip="$zip_bytes" -v unpacked="$unpacked_bytes" -v name="$(basename "$zip")" \
    'BEGIN { printf "| package | zip bytes | zip MiB | unpacked MiB |\n|---|---|---|---|\n| %s | %d | %.2f | %.2f |\n", name, zip, zip / 1048576, unpacked / 1048576 }'
} | tee "$out/function.md"
