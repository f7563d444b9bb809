#!/usr/bin/env bash
# Runs every benchmark of the JPEG path and writes the figures for
# docs/benchmarks.md:
#   1. in-process throughput beside memcpy (bin/exifscrub_jpeg_bench, Google Benchmark);
#   2. whole-process time per file with hyperfine, exifscrub side by side with
#      cp (the floor), jhead -purejpg, exiftool -all=, exiv2 rm and
#      jpegtran -copy none on a 4 MB camera-sized photo;
#   3. the orientation path: exifscrub's lossless rotation beside
#      jpegtran -rotate 90 -trim on the same photo tagged orientation 6;
#   4. peak resident memory of each tool (/usr/bin/time -f %M);
#   5. what metadata each tool leaves behind on the generated fixtures.
# Nothing here asserts a timing; the figures go to BENCH_OUT/summary.md.
#
# Usage: scripts/run-bench.sh
# Env:   BUILD_DIR [build]   BENCH_OUT [$BUILD_DIR/bench-results]   RUNS [40]
#        EXIFSCRUB_CORPUS_DIR [the value in $BUILD_DIR/CMakeCache.txt]
set -euo pipefail

if (($# != 0)); then
  echo "usage: $0   (settings come from BUILD_DIR, BENCH_OUT, RUNS, EXIFSCRUB_CORPUS_DIR)" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$(cd "${BUILD_DIR:-$root/build}" 2>/dev/null && pwd) || {
  echo "run-bench: build folder ${BUILD_DIR:-$root/build} not found; run 'make build' first" >&2
  exit 1
}
out=${BENCH_OUT:-$build_dir/bench-results}
runs=${RUNS:-40}
exifscrub=$build_dir/bin/exifscrub
bench=$build_dir/bin/exifscrub_jpeg_bench

for tool in "$exifscrub" "$bench"; do
  if [[ ! -x $tool ]]; then
    echo "run-bench: $tool is missing; build it with 'cmake --build $build_dir'" >&2
    exit 1
  fi
done
for tool in hyperfine jhead exiftool exiv2 jpegtran cp /usr/bin/time /usr/bin/python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "run-bench: $tool not found; run scripts/install-deps.sh all" >&2
    exit 1
  fi
done
corpus=${EXIFSCRUB_CORPUS_DIR:-$(sed -n 's/^EXIFSCRUB_CORPUS_DIR:PATH=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)}

rm -rf "$out"
mkdir -p "$out/work"
step() { printf '\n== %s ==\n' "$*" >&2; }

step "inputs"
"$root/scripts/make-samples.sh" "$out/samples" >&2
/usr/bin/python3 "$root/tests/fixtures/generate.py" "$out/fixtures" >&2
photo=$out/samples/camera-4000x3000.jpg
rotated=$out/samples/camera-4000x3000-orientation-6.jpg
work=$out/work

step "machine"
{
  echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "cores: $(nproc)"
  echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "photo: $(stat -c %s "$photo") bytes, 4000x3000"
  echo "exifscrub: $("$exifscrub" --version 2>&1 | head -1)"
  echo "jhead: $(jhead -V 2>&1 | head -1)"
  echo "exiftool: $(exiftool -ver)"
  echo "exiv2: $(exiv2 --version 2>&1 | head -1)"
  echo "jpegtran: $(jpegtran -version 2>&1 | head -1)"
  echo "hyperfine: $(hyperfine --version)"
} | tee "$out/machine.txt" >&2

step "in-process throughput"
EXIFSCRUB_CORPUS_DIR=$corpus EXIFSCRUB_BENCH_PHOTO=$photo EXIFSCRUB_BENCH_PHOTO_ROTATED=$rotated \
  "$bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$out/inprocess.json" --benchmark_out_format=json >&2

# In-place tools get a fresh copy in --prepare, outside the timed command.
# exifscrub writes a file durably by default (fsync of the file and its
# folder around the rename), which none of the peers do, so "cp + sync" is
# its floor; "exifscrub --no-fsync" is the like-for-like comparison with cp
# and the peers. "--version" is the cost of
# starting the binary and loading its shared libraries. The standard output
# line runs through sh for its redirections, so "cat (through sh)", which
# copies standard input to standard output the same way, is its floor.
step "whole process, strip path"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/strip.json" \
  --prepare "rm -f $work/cp.jpg" -n cp "cp $photo $work/cp.jpg" \
  --prepare "rm -f $work/cpsync.jpg" -n "cp + sync" "sh -c 'cp $photo $work/cpsync.jpg && sync $work/cpsync.jpg $work'" \
  --prepare "true" -n "exifscrub --version (start-up only)" "$exifscrub --version" \
  --prepare "rm -f $work/exifscrub.jpg" -n exifscrub "$exifscrub strip --quiet $photo -o $work/exifscrub.jpg" \
  --prepare "rm -f $work/nofsync.jpg" -n "exifscrub --no-fsync" \
  "$exifscrub strip --quiet --no-fsync $photo -o $work/nofsync.jpg" \
  --prepare "rm -f $work/cat.jpg" -n "cat (through sh)" "sh -c 'cat < $photo > $work/cat.jpg'" \
  --prepare "rm -f $work/stdout.jpg" -n "exifscrub (to stdout, no fsync)" \
  "sh -c '$exifscrub strip --quiet - -o - < $photo > $work/stdout.jpg'" \
  --prepare "cp $photo $work/jhead.jpg" -n "jhead -purejpg" "jhead -purejpg $work/jhead.jpg" \
  --prepare "rm -f $work/exiftool.jpg" -n "exiftool -all=" "exiftool -all= -o $work/exiftool.jpg $photo" \
  --prepare "cp $photo $work/exiv2.jpg" -n "exiv2 rm" "exiv2 rm $work/exiv2.jpg" \
  --prepare "rm -f $work/jpegtran.jpg" -n "jpegtran -copy none" \
  "jpegtran -copy none -outfile $work/jpegtran.jpg $photo" >&2

step "whole process, orientation path"
hyperfine -N --warmup 2 --runs "$((runs / 2 > 5 ? runs / 2 : 5))" --export-json "$out/orientation.json" \
  --prepare "rm -f $work/cp6.jpg" -n cp "cp $rotated $work/cp6.jpg" \
  --prepare "rm -f $work/exifscrub6.jpg" -n "exifscrub (apply)" "$exifscrub strip --quiet $rotated -o $work/exifscrub6.jpg" \
  --prepare "rm -f $work/nofsync6.jpg" -n "exifscrub (apply) --no-fsync" \
  "$exifscrub strip --quiet --no-fsync $rotated -o $work/nofsync6.jpg" \
  --prepare "rm -f $work/jpegtran6.jpg" -n "jpegtran -rotate 90 -trim" \
  "jpegtran -copy none -rotate 90 -trim -outfile $work/jpegtran6.jpg $rotated" >&2

step "peak resident memory"
measure_rss() {  # NAME COMMAND...: prints "NAME<TAB>KiB"
  local name=$1
  shift
  /usr/bin/time -f '%M' -o "$work/rss.txt" "$@" >/dev/null 2>&1
  printf '%s\t%s\n' "$name" "$(tail -1 "$work/rss.txt")"
}
{
  cp "$photo" "$work/jhead.jpg" && cp "$photo" "$work/exiv2.jpg" && rm -f "$work/exiftool.jpg"
  measure_rss cp cp "$photo" "$work/cp.jpg"
  measure_rss exifscrub "$exifscrub" strip --quiet "$photo" -o "$work/exifscrub.jpg"
  measure_rss "exifscrub (apply)" "$exifscrub" strip --quiet "$rotated" -o "$work/exifscrub6.jpg"
  measure_rss "jhead -purejpg" jhead -purejpg "$work/jhead.jpg"
  measure_rss "exiftool -all=" exiftool -all= -o "$work/exiftool.jpg" "$photo"
  measure_rss "exiv2 rm" exiv2 rm "$work/exiv2.jpg"
  measure_rss "jpegtran -copy none" jpegtran -copy none -outfile "$work/jpegtran.jpg" "$photo"
  measure_rss "jpegtran -rotate 90 -trim" jpegtran -copy none -rotate 90 -trim -outfile "$work/jpegtran6.jpg" "$rotated"
} | tee "$out/rss.tsv" >&2

step "metadata left by each tool"
/usr/bin/python3 "$root/bench/peer_metadata.py" "$exifscrub" "$out/fixtures" "$out/peers" >"$out/peers.md"
cat "$out/peers.md" >&2

step "summary"
/usr/bin/python3 "$root/bench/summarize.py" "$out" | tee "$out/summary.md"
echo "run-bench: figures in $out/summary.md" >&2

step "S3 transfer, memory and function overhead (local Ceph RGW)"
BUILD_DIR=$build_dir BENCH_OUT=$out "$root/bench/s3/with-rgw.sh" "$root/bench/s3/run-all.sh"

step "local pipeline side by side with a Python handler"
BUILD_DIR=$build_dir "$root/bench/lambda/run.sh" "$out/lambda"
